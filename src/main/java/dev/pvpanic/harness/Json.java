package dev.pvpanic.harness;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The harness's configured Jackson mappers, made once: a mapper is costly to build and safe to
 * share. Where a caller needs other settings it takes a reader or writer derived from one of these
 * (immutable, thread-safe) rather than a mapper of its own; a second mapper exists only where a
 * setting cannot be made per call.
 */
public final class Json {

  /** JSON with Jackson's defaults: compact output, unknown properties refused when read. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** Indented JSON, for the files people read: manifests, cell records, reports. */
  public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

  /**
   * Reads records another harness version may have written (cell.json, run facts): properties this
   * one does not know are skipped, so an old report tool reads a newer run.
   */
  public static final ObjectReader TOLERANT =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * The image lock's own mapper: a committed file whose bytes must depend on its content alone, so
   * map entries are sorted by key and nulls left out. Both are serializer settings a writer cannot
   * change per call, hence a mapper of its own.
   */
  public static final ObjectMapper CANONICAL =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** YAML with Jackson's defaults; the other format the harness reads and writes. */
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * Reads YAML a person wrote (recipes): besides unknown keys, a missing or null number or flag is
   * refused rather than read as 0 or false.
   */
  public static final ObjectReader STRICT_YAML =
      YAML.reader().with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Reads a guest config: a key given twice is refused, since the second would silently replace the
   * first (a matrix that quietly loses an axis). Its {@code createParser} checks the same.
   */
  public static final ObjectReader YAML_NO_DUPLICATES =
      YAML.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  private Json() {}
}
