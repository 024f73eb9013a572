package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KCIDB's v5.3 schema as kcidb-io exports it (src/test/resources/kcidb, with its source and how it
 * was extracted), checked the way kcidb-io checks it: draft-07, with formats (uri, date-time)
 * asserted, not only annotated.
 */
public final class KcidbSchema {
  static final String RESOURCE = "/kcidb/kcidb-io.schema.v5.3.json";

  private static final JsonSchema SCHEMA = load();

  private KcidbSchema() {}

  private static JsonSchema load() {
    try (InputStream in = KcidbSchema.class.getResourceAsStream(RESOURCE)) {
      JsonNode schema = ecmaToJavaPatterns(new ObjectMapper().readTree(in));
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * JSON Schema patterns are ECMA-262 regular expressions; the schema's only construct Java's regex
   * reads otherwise is {@code \0} (NUL; Java wants {@code \x00}). Translated in memory: the file
   * stays exactly what kcidb-io exported.
   */
  static JsonNode ecmaToJavaPatterns(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : List.copyOf(o.properties())) {
        if (e.getKey().equals("pattern") && e.getValue().isTextual()) {
          o.put("pattern", e.getValue().asText().replaceAll("\\\\0(?![0-7])", "\\\\x00"));
        } else {
          ecmaToJavaPatterns(e.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(KcidbSchema::ecmaToJavaPatterns);
    }
    return node;
  }

  /** Every way {@code document} breaks the schema; empty when it is valid. */
  public static List<String> problems(JsonNode document) {
    Set<ValidationMessage> messages = SCHEMA.validate(document);
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
