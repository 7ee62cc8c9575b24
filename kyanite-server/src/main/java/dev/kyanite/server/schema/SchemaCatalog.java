package dev.kyanite.server.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.kyanite.core.store.SchemaStore;
import dev.kyanite.core.store.StoredSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered JSON Schemas of this node: the versions in force, kept in memory and compiled,
 * backed by the {@link SchemaStore}.
 *
 * <p>Validation ({@link #check}) is a map lookup plus networknt's evaluation and never touches the
 * store, so it may run on an event loop; a type without a schema costs one failed lookup. Changes
 * ({@link #register}, {@link #delete}, {@link #reload}) write or read the store and recompile every
 * schema (a change can affect the schemas that {@code $ref} it), so they block and run on worker
 * threads; they are serialised, and the compiled set is swapped atomically.
 */
public final class SchemaCatalog {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Deeper schemas are refused: validating them would recurse without bound. */
  static final int MAX_DEPTH = 64;

  private final SchemaStore store;
  private final Clock clock;
  private volatile Map<String, Compiled> compiled = Map.of();

  /** The version in force of a type's schema, compiled, or why it cannot be compiled. */
  private record Compiled(StoredSchema stored, Schema schema, String brokenBecause) {}

  /** The outcome of checking an event's data: the schema version and the violations (empty when valid). */
  public record Check(int version, List<FieldError> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /** A schema refused at registration: not JSON, not a JSON Schema 2020-12, or with unresolvable references. */
  public static final class InvalidSchemaException extends Exception {
    private final List<FieldError> errors;

    InvalidSchemaException(String message, List<FieldError> errors) {
      super(message, null, false, false);
      this.errors = errors;
    }

    public List<FieldError> errors() {
      return errors;
    }
  }

  public SchemaCatalog(SchemaStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Loads (or re-loads) every schema from the store and recompiles. Blocking. */
  public synchronized void reload() {
    Map<String, StoredSchema> all = new HashMap<>();
    for (StoredSchema s : store.listLatest()) all.put(s.type(), s);
    compiled = compileAll(all);
  }

  /** Whether the type has a schema in force (cheap). */
  public boolean has(String type) {
    return compiled.containsKey(type);
  }

  /**
   * Validates {@code data} against the type's schema. Pointers in the errors are prefixed with
   * {@code pointerPrefix} (for example {@code /data}).
   *
   * @return {@code null} when the type has no schema
   */
  public Check check(String type, JsonNode data, String pointerPrefix) {
    return check(type, () -> data, pointerPrefix);
  }

  /**
   * As {@link #check(String, JsonNode, String)}, with the tree built only when the type has a
   * schema: ingest passes events through as the client's bytes and parses {@code data} into a
   * tree only for validation.
   */
  public Check check(String type, java.util.function.Supplier<JsonNode> data, String pointerPrefix) {
    Compiled c = compiled.get(type);
    if (c == null) return null;
    if (c.schema == null) {
      return new Check(c.stored.version(), List.of(new FieldError(pointerPrefix, "$ref", c.brokenBecause)));
    }
    List<Error> errors = c.schema.validate(data.get());
    if (errors.isEmpty()) return new Check(c.stored.version(), List.of());
    return new Check(c.stored.version(), toFieldErrors(errors, pointerPrefix));
  }

  /**
   * Registers a new version of the type's schema after checking that it is a valid JSON Schema
   * 2020-12 whose references all resolve (to registered schemas or inside itself). Blocking.
   */
  public synchronized StoredSchema register(String type, String schemaText) throws InvalidSchemaException {
    JsonNode node;
    try {
      node = MAPPER.readTree(schemaText);
    } catch (JsonProcessingException e) {
      throw new InvalidSchemaException("the schema is not valid JSON: " + e.getOriginalMessage(),
          List.of(new FieldError("", "json", e.getOriginalMessage())));
    }
    if (node == null || !(node.isObject() || node.isBoolean())) {
      throw new InvalidSchemaException("a JSON Schema is an object or a boolean",
          List.of(new FieldError("", "type", "must be an object or a boolean")));
    }
    if (depth(node, 0) > MAX_DEPTH) {
      throw new InvalidSchemaException("the schema is nested more than " + MAX_DEPTH + " levels deep",
          List.of(new FieldError("", "maxDepth", "nested more than " + MAX_DEPTH + " levels")));
    }
    Map<String, String> texts = texts(compiled);
    texts.put(type, schemaText);
    SchemaCompiler compiler = new SchemaCompiler(texts);
    List<Error> meta = compiler.metaErrors(node);
    if (!meta.isEmpty()) {
      throw new InvalidSchemaException("not a valid JSON Schema (draft 2020-12)", toFieldErrors(meta, ""));
    }
    try {
      compiler.compile(type, node);
    } catch (RuntimeException | StackOverflowError e) {
      throw new InvalidSchemaException("the schema cannot be compiled: " + reason(e),
          List.of(new FieldError("", "$ref", reason(e))));
    }
    StoredSchema stored = store.put(type, schemaText, clock.instant());
    Map<String, StoredSchema> all = stored(compiled);
    all.put(type, stored);
    compiled = compileAll(all);
    return stored;
  }

  /** The version in force, from the store. Blocking. */
  public Optional<StoredSchema> get(String type) {
    return store.latest(type);
  }

  /** Every type's version in force, from the store. Blocking. */
  public List<StoredSchema> list() {
    return store.listLatest();
  }

  /**
   * Unregisters the type's schema. Blocking.
   *
   * @throws SchemaInUseException when other schemas {@code $ref} it: they could no longer be
   *     compiled, and every event of their types would be refused
   */
  public synchronized boolean delete(String type) throws SchemaInUseException {
    Map<String, StoredSchema> all = stored(compiled);
    all.remove(type);
    Map<String, Compiled> next = compileAll(all);
    List<String> dependents = new ArrayList<>();
    next.forEach((t, c) -> {
      if (c.schema == null && compiled.get(t) != null && compiled.get(t).schema != null) dependents.add(t);
    });
    if (!dependents.isEmpty()) {
      Collections.sort(dependents);
      throw new SchemaInUseException(dependents);
    }
    boolean removed = store.delete(type);
    compiled = next;
    return removed;
  }

  /** A delete refused because the schemas of {@link #dependents} reference the one to delete. */
  public static final class SchemaInUseException extends Exception {
    private final List<String> dependents;

    SchemaInUseException(List<String> dependents) {
      super("referenced by the schemas of " + dependents, null, false, false);
      this.dependents = List.copyOf(dependents);
    }

    public List<String> dependents() {
      return dependents;
    }
  }

  private static int depth(JsonNode n, int d) {
    if (d > MAX_DEPTH) return d;
    int max = d;
    if (n.isContainerNode()) {
      for (JsonNode c : n) max = Math.max(max, depth(c, d + 1));
    }
    return max;
  }

  private static Map<String, Compiled> compileAll(Map<String, StoredSchema> all) {
    Map<String, String> texts = new HashMap<>();
    all.forEach((t, s) -> texts.put(t, s.schema()));
    SchemaCompiler compiler = new SchemaCompiler(texts);
    Map<String, Compiled> out = new HashMap<>();
    all.forEach((t, s) -> {
      try {
        out.put(t, new Compiled(s, compiler.compile(t, MAPPER.readTree(s.schema())), null));
      } catch (Exception e) {
        out.put(t, new Compiled(s, null, "the schema of '" + t + "' cannot be compiled: " + reason(e)));
      }
    });
    return Map.copyOf(out);
  }

  private static Map<String, String> texts(Map<String, Compiled> c) {
    Map<String, String> m = new HashMap<>();
    c.forEach((t, v) -> m.put(t, v.stored.schema()));
    return m;
  }

  private static Map<String, StoredSchema> stored(Map<String, Compiled> c) {
    Map<String, StoredSchema> m = new HashMap<>();
    c.forEach((t, v) -> m.put(t, v.stored));
    return m;
  }

  private static String reason(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) e = e.getCause();
    String m = e.getMessage();
    if (e instanceof java.io.FileNotFoundException) return "unresolvable reference " + m + " (only registered schemas can be referenced)";
    return m == null ? e.getClass().getSimpleName() : m;
  }

  static List<FieldError> toFieldErrors(List<Error> errors, String prefix) {
    List<FieldError> out = new ArrayList<>(errors.size());
    for (Error e : errors) {
      String path = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
      String pointer = prefix + path;
      if (e.getProperty() != null && ("required".equals(e.getKeyword()) || "dependentRequired".equals(e.getKeyword()))) {
        pointer = pointer + "/" + FieldError.escape(e.getProperty());
      }
      out.add(new FieldError(pointer, e.getKeyword(), e.getMessage()));
    }
    return out;
  }
}
