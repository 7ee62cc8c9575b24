package dev.kyanite.server.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.DupDetector;
import com.fasterxml.jackson.core.json.JsonReadContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Skips the object or array a parser is on, refusing what {@link IngestJson#FACTORY}'s parsers
 * refuse (bad syntax, too deep a nesting, a member name twice in one object) without building
 * anything, like {@link JsonParser#skipChildren()} with {@code STRICT_DUPLICATE_DETECTION}.
 *
 * <p>Why not that: Jackson's duplicate check puts every member name of every object of three or
 * more members into a fresh {@code HashSet}, which was a tenth of the batch ingest event loop
 * (events' {@code data} is usually an object of a handful of members). Here the names of the open
 * objects sit in one array and a new name is compared with its object's earlier ones; an object
 * with more than {@link #LINEAR} members moves to a set, so a huge object costs linear time, not
 * quadratic. Jackson's own check is switched off inside the skipped value only (its parents keep
 * theirs). The syntax, the nesting limit and the UTF-8 checks stay Jackson's.
 *
 * <p>Jackson reuses a parser's read contexts, one per depth: a context that left here without a
 * detector would give none to whatever the parser reads later at that depth (the next member, the
 * next event of a batch). So every context the skip passes through gets a detector back before
 * it returns, also when it fails.
 */
final class CheckedSkip {
  /** Members compared one by one; beyond this an object's names go into a set. */
  static final int LINEAR = 16;

  private String[] names = new String[32];
  private int count;
  /** The most names held at once since the last reset (cleared then: names can be long). */
  private int used;
  /** Per open container: where its names start in {@link #names}. */
  private int[] starts = new int[16];
  /** Per open container: its set once it has more than {@link #LINEAR} members, else null. */
  private Set<String>[] sets = newSets(16);
  /** Per depth reached: the parser's context there, and the detector it had (given back at the end). */
  private JsonReadContext[] contexts = new JsonReadContext[16];
  private DupDetector[] detectors = new DupDetector[16];
  private int depth;
  /** How many entries of {@link #contexts} are set. */
  private int reached;

  private CheckedSkip() {}

  /** The scratch state of this thread's skips (event loops reuse theirs). */
  private static final ThreadLocal<CheckedSkip> SCRATCH = ThreadLocal.withInitial(CheckedSkip::new);

  /**
   * Skips the value that starts at the parser's current {@code START_OBJECT} or
   * {@code START_ARRAY}, leaving the parser on its matching end token.
   *
   * @throws IOException as the parser would: malformed JSON, too deep, or a duplicate member
   */
  static void skip(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) return;
    if (!p.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) || !(p.getParsingContext() instanceof JsonReadContext)) {
      p.skipChildren();
      return;
    }
    // Jackson checks names through the detector of the context they are read in: each context of
    // the value has its detector taken away while the walk is inside it (a new context inherits
    // none from a parent without one), and given back at the end. The parents keep theirs.
    CheckedSkip s = SCRATCH.get();
    try {
      s.walk(p);
    } finally {
      s.restoreDetectors(p);
      s.reset();
    }
  }

  private void walk(JsonParser p) throws IOException {
    open(p);
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == null) throw new JsonParseException(p, "Unexpected end-of-input: expected close marker");
      switch (t) {
        case FIELD_NAME -> name(p, p.currentName());
        case START_OBJECT, START_ARRAY -> open(p);
        case END_OBJECT, END_ARRAY -> close();
        default -> { }
      }
    }
  }

  private void name(JsonParser p, String name) throws JsonParseException {
    int d = depth - 1;
    Set<String> set = sets[d];
    if (set != null) {
      if (!set.add(name)) throw duplicate(p, name);
      return;
    }
    int from = starts[d];
    for (int i = from; i < count; i++) {
      String seen = names[i];
      // the parser canonicalises names, so equal ones are mostly the same instance
      if (seen == name || seen.equals(name)) throw duplicate(p, name);
    }
    if (count - from == LINEAR) {
      set = new HashSet<>(4 * LINEAR);
      for (int i = from; i < count; i++) set.add(names[i]);
      set.add(name);
      sets[d] = set;
      count = from; // this object's names now live in its set
      return;
    }
    if (count == names.length) names = Arrays.copyOf(names, count * 2);
    names[count++] = name;
    if (count > used) used = count;
  }

  private void open(JsonParser p) {
    if (depth == starts.length) { // the four per-depth arrays grow together
      starts = Arrays.copyOf(starts, depth * 2);
      sets = Arrays.copyOf(sets, depth * 2);
      contexts = Arrays.copyOf(contexts, depth * 2);
      detectors = Arrays.copyOf(detectors, depth * 2);
    }
    starts[depth] = count;
    sets[depth] = null;
    if (depth == reached) { // one context per depth: Jackson reuses it for every value there
      JsonReadContext c = (JsonReadContext) p.getParsingContext();
      contexts[reached] = c;
      detectors[reached] = c.getDupDetector();
      c.withDupDetector(null);
      reached++;
    }
    depth++;
  }

  /**
   * Gives every context the skip passed through its detector back, or a new one if it was made
   * during the walk (as a parse without the walk would have), so later values are checked again.
   */
  private void restoreDetectors(JsonParser p) {
    for (int i = 0; i < reached; i++) {
      contexts[i].withDupDetector(detectors[i] != null ? detectors[i] : DupDetector.rootDetector(p));
    }
  }

  private void close() {
    depth--;
    count = starts[depth];
    sets[depth] = null;
  }

  private void reset() {
    Arrays.fill(names, 0, used, null);
    Arrays.fill(sets, 0, depth, null);
    Arrays.fill(contexts, 0, reached, null);
    Arrays.fill(detectors, 0, reached, null);
    count = 0;
    used = 0;
    reached = 0;
    depth = 0;
  }

  private static JsonParseException duplicate(JsonParser p, String name) {
    return new JsonParseException(p, "Duplicate field '" + name + "'");
  }

  @SuppressWarnings("unchecked")
  private static Set<String>[] newSets(int n) {
    return (Set<String>[]) new Set<?>[n];
  }
}
