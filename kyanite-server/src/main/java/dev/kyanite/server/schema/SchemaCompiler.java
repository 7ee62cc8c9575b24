package dev.kyanite.server.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.List;
import java.util.Map;

/**
 * Compiles registered schemas with networknt (draft 2020-12 by default, format assertions on, JSON
 * Pointer paths). Each registered schema lives at {@link #BASE}{@code <type>}, so a schema refers
 * to another registered one with {@code {"$ref": "other.type"}} (relative) or the absolute IRI.
 * Every other IRI is unresolvable: the loader never fetches anything from the network, and the
 * only other documents it knows are the bundled JSON Schema meta-schemas.
 *
 * <p>One compiler is built per set of registered schemas (a generation); it is immutable, and its
 * compiled {@link Schema}s are thread-safe.
 */
final class SchemaCompiler {
  static final String BASE = "https://kyanite.dev/schemas/";
  static final String META_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
      .formatAssertionsEnabled(true)
      .pathType(PathType.JSON_POINTER)
      .build();

  private final SchemaRegistry registry;

  /** @param texts type → schema JSON text of every registered type */
  SchemaCompiler(Map<String, String> texts) {
    this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
        .schemaRegistryConfig(CONFIG)
        .schemaLoader(l -> l.fetchRemoteResources(false))
        .schemas(iri -> iri.startsWith(BASE) ? texts.get(iri.substring(BASE.length())) : null));
  }

  /**
   * Errors of the document as a JSON Schema 2020-12 (checked against the meta-schema), empty when
   * it is a valid schema.
   */
  List<Error> metaErrors(JsonNode schema) {
    return registry.getSchema(SchemaLocation.of(META_2020_12)).validate(schema);
  }

  /**
   * Compiles the schema of a type, resolving every {@code $ref} now.
   *
   * @throws RuntimeException (networknt's) when a reference cannot be resolved or a keyword is invalid
   */
  Schema compile(String type, JsonNode schema) {
    Schema s = registry.getSchema(SchemaLocation.of(BASE + type), schema);
    s.initializeValidators();
    return s;
  }
}
