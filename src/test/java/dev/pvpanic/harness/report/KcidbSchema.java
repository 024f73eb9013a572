package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The KCIDB v5.3 schema the reports are checked against (src/test/resources/kcidb), with formats
 * (uri, date-time) asserted, not only annotated.
 */
public final class KcidbSchema {
  private static final JsonSchema SCHEMA = load();

  private KcidbSchema() {}

  private static JsonSchema load() {
    try (InputStream in =
        KcidbSchema.class.getResourceAsStream("/kcidb/kcidb-v5.3-subset.schema.json")) {
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every way {@code document} breaks the schema; empty when it is valid. */
  public static List<String> problems(JsonNode document) {
    Set<ValidationMessage> messages = SCHEMA.validate(document);
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
