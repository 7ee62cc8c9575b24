package dev.kyanite.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyanite.core.event.Event;
import dev.kyanite.core.event.EventCodec;
import dev.kyanite.core.event.EventPipeline;
import dev.kyanite.core.event.PipelineResult;
import dev.kyanite.server.delivery.WebhookPayload;
import dev.kyanite.server.delivery.WebhookSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput (events per second of CPU time) of the worker's per-event CPU path — decode the log record, run the pipeline, encode
 * and sign the webhook body for one endpoint (no network) — with no rules versus 10 rules of
 * typical size. One thread; after a warm-up of both, rounds alternate between the two set-ups and
 * the medians (and the median of the per-round ratios) are reported.
 *
 * <p>Run: {@code mvn -B -q -o test -pl kyanite-server -am -Dtest=RulesBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dkyanite.long=true}
 * (prints to the test's output file), or this class's {@code main} with the test class path.
 */
public final class RulesBench {
  static final String[] RULES = {
    "drop-test-traffic={'priority':-100,'match':{'condition':'event.source == \\'qa-bot\\' || (has(event.data.test) && event.data.test == true)'},'actions':['drop']}",
    "redact-pii={'priority':-50,'actions':[{'redact':['data.customer.email','data.customer.phone']}]}",
    "big-orders={'match':{'types':['order.*'],'condition':'event.data.amount > 900.0'},'actions':[{'set':{'path':'data.tier','value':'\\'large\\''}}]}",
    "eu-route={'match':{'types':['order.created'],'condition':'event.data.region == \\'eu\\' && event.data.amount >= 500.0'},'actions':[{'route':['ep_eu','ep_all']}]}",
    "tenant-acme={'match':{'condition':'event.key == \\'acme\\''},'actions':[{'route':['ep_acme','ep_all']}]}",
    "strip-internal={'match':{'types':['order.*','invoice.*']},'actions':[{'remove':['data.internal','data.debug']}]}",
    "users-normalise={'match':{'types':['user.*']},'actions':[{'set':{'path':'data.name','value':'event.data.first + \\' \\' + event.data.last'}}]}",
    "refund-flag={'match':{'types':['payment.refunded'],'condition':'event.data.amount > 100.0'},'actions':[{'set':{'path':'data.review','value':'true'}}]}",
    "vip-items={'match':{'types':['order.*'],'condition':'event.data.items.exists(i, i.sku.startsWith(\\'VIP\\'))'},'actions':[{'set':{'path':'data.vip','value':'true'}}]}",
    "audit-drop={'match':{'types':['audit.*'],'condition':'event.data.level == \\'debug\\''},'actions':['drop']}",
  };

  private static final byte[] KEY = WebhookSigner.key("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));

  private RulesBench() {}

  static List<byte[]> events(int n) {
    String[] types = {"order.created", "order.updated", "user.created", "payment.refunded", "audit.logged", "invoice.paid"};
    String[] regions = {"eu", "us", "apac"};
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String data = "{\"amount\":" + (i * 37 % 1200) + ".5,\"currency\":\"EUR\",\"region\":\"" + regions[i % 3] + "\","
          + "\"customer\":{\"id\":\"c_" + i + "\",\"email\":\"user" + i + "@example.com\",\"phone\":\"+4912345\"},"
          + "\"first\":\"Ada\",\"last\":\"Lovelace\",\"level\":\"" + (i % 4 == 0 ? "debug" : "info") + "\","
          + "\"items\":[{\"sku\":\"" + (i % 10 == 0 ? "VIP-1" : "SKU-" + i) + "\",\"qty\":2},{\"sku\":\"SKU-9\",\"qty\":1}],"
          + "\"internal\":\"x\"}";
      try {
        JsonNode d = EventCodec.mapper().readTree(data);
        Event e = new Event("evt_" + i, types[i % types.length], i % 50 == 0 ? "qa-bot" : "shop", null, Instant.now(),
            Instant.now(), i % 7 == 0 ? "acme" : "k" + i, d, null, null, null);
        out.add(EventCodec.encode(e));
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }
    return out;
  }

  static RulesEngine tenRules() throws InvalidRuleException {
    RulesEngine engine = RulesEngine.create(ProcessorRegistry.none(), new SimpleMeterRegistry());
    List<Rule> rules = new ArrayList<>();
    for (String nr : RULES) {
      int eq = nr.indexOf('=');
      rules.add(engine.compile(nr.substring(0, eq), 1, RuleFixtures.json(nr.substring(eq + 1))));
    }
    engine.install(rules, 1);
    return engine;
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /**
   * With {@code -Dkyanite.bench.encode-dropped=true} dropped events (about 10% of the mix) are still
   * encoded and signed, so the rules arm does not save the delivery work a real drop saves: a
   * conservative figure for the cost of the rules alone.
   */
  private static final boolean ENCODE_DROPPED = Boolean.getBoolean("kyanite.bench.encode-dropped");

  /**
   * Events per second of this thread's CPU time through decode → pipeline → payload encode and sign,
   * for {@code millis} of wall time. CPU time, not wall time: on a shared machine the thread is often
   * descheduled, and wall time would count other processes' work against whichever arm was running.
   */
  static double run(EventPipeline p, List<byte[]> events, long millis) {
    long sink = 0;
    long n = 0;
    long end = System.nanoTime() + millis * 1_000_000;
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        Event e = EventCodec.decode(events.get((int) (n++ % events.size())));
        PipelineResult r = p.apply(e);
        if (!r.dropped() || ENCODE_DROPPED) {
          byte[] body = WebhookPayload.encode(r.event());
          sink += WebhookSigner.sign(KEY, WebhookSigner.messageId(r.event().id(), "ep_1"), 1_700_000_000L, body).length();
        }
      }
    }
    double secs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
    if (sink == 42) System.out.print(""); // keep the work observable
    return n / secs;
  }

  /**
   * Interleaved A/B in one JVM: a warm-up of both set-ups (five alternations of 2 s: on a loaded
   * machine C2 needs that long; a 6 s warm-up left the first rounds' ratios swinging from 0.5 to
   * 1.7), then {@code rounds} pairs; the order inside a pair alternates so neither arm always runs
   * first (and noise from other processes hits both alike).
   *
   * @return {no-rules median, rules median, median of the per-pair ratios rules/none} (events/s)
   */
  public static double[] measure(int rounds, long roundMillis) throws InvalidRuleException {
    List<byte[]> events = events(10_000);
    EventPipeline none = EventPipeline.identity();
    EventPipeline ten = tenRules();
    for (int i = 0; i < 5; i++) {
      run(none, events, 2_000);
      run(ten, events, 2_000);
    }
    double[] a = new double[rounds];
    double[] b = new double[rounds];
    double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        a[r] = run(none, events, roundMillis);
        b[r] = run(ten, events, roundMillis);
      } else {
        b[r] = run(ten, events, roundMillis);
        a[r] = run(none, events, roundMillis);
      }
      ratio[r] = b[r] / a[r];
      System.out.printf("rules bench round %d: no rules %.0f events/CPU-s, 10 rules %.0f events/CPU-s, ratio %.3f%n", r + 1, a[r], b[r], ratio[r]);
    }
    return new double[] {median(a), median(b), median(ratio)};
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String summary(double[] m) {
    return String.format("rules bench: no rules %.0f events/CPU-s, 10 rules %.0f events/CPU-s (medians), ratio of medians %.3f,"
        + " median per-round ratio %.3f, loss %.1f%%", m[0], m[1], m[1] / m[0], m[2], 100 * (1 - m[2]));
  }

  /**
   * {@code main [rounds [roundMillis]]}, or {@code main profile <seconds>}: only the rules arm, for a
   * profiler (e.g. {@code -XX:StartFlightRecording}).
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("profile")) {
      double eps = run(tenRules(), events(10_000), Long.parseLong(args[1]) * 1000);
      System.out.printf("rules only: %.0f events/s%n", eps);
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    long millis = args.length > 1 ? Long.parseLong(args[1]) : 2_000;
    System.out.println(summary(measure(rounds, millis)));
  }
}
