/**
 * pvpanic-harness: boots real Linux guests under QEMU, panics them, and checks the exact QMP event
 * sequence against an expectation derived from kernel and QEMU capabilities.
 *
 * <p>The core (this package and its children) has no JUnit or Allure dependency; the JUnit glue
 * lives under src/test.
 */
package dev.pvpanic.harness;
