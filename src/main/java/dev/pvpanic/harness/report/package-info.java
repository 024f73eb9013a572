/**
 * Reports a person looks at: the matrix summary ({@link dev.pvpanic.harness.report.MatrixSummary})
 * read from the {@code cell.json} files the cells wrote, as one self-contained HTML page and as
 * Markdown for CI job summaries.
 */
package dev.pvpanic.harness.report;
