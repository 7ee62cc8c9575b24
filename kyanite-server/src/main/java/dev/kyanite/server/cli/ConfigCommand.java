package dev.kyanite.server.cli;

import dev.kyanite.server.Features;
import dev.kyanite.server.KyaniteServer;
import dev.kyanite.server.config.ConfigKey;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kyanite config}: prints every configuration key with its type, default, env var and doc (Markdown). */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "List every configuration key (Markdown table: key, type, default, env var, meaning).")
public final class ConfigCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.print(table(KyaniteServer.configKeys(Features.all())));
    return 0;
  }

  /** The Markdown table of keys, sorted by name. */
  public static String table(List<ConfigKey<?>> keys) {
    StringBuilder b = new StringBuilder("| key | type | default | env | meaning |\n|---|---|---|---|---|\n");
    keys.stream().sorted(Comparator.comparing(ConfigKey::name)).forEach(k -> b.append("| `").append(k.name())
        .append("` | ").append(k.typeName().replace("|", "\\|")).append(" | ").append(show(k)).append(" | `").append(k.envName())
        .append("` | ").append(k.doc()).append(" |\n"));
    return b.toString();
  }

  private static String show(ConfigKey<?> k) {
    Object d = k.defaultValue();
    if (d == null) return "(unset)";
    if (k.isSecret()) return "(secret)";
    if (d instanceof Duration dur) return "`" + human(dur) + "`";
    if (d instanceof Enum<?> e) return "`" + ConfigKey.wire(e) + "`";
    if (k.typeName().equals("size")) return "`" + humanBytes((Long) d) + "`";
    return "`" + d + "`";
  }

  private static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }

  private static String humanBytes(long n) {
    String[] units = {"", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < units.length - 1 && n >= 1024 && n % 1024 == 0) {
      n /= 1024;
      u++;
    }
    return n + units[u];
  }
}
