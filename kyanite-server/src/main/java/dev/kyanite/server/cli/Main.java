package dev.kyanite.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kyanite} command: {@code serve}, {@code config}, and (from kyanite-bench) {@code bench}. */
@Command(name = "kyanite", mixinStandardHelpOptions = true, version = "kyanite 0.1.0",
    description = "KyaniteAPI: event ingestion and processing server.",
    subcommands = {
        ServeCommand.class,
        ConfigCommand.class,
        dev.kyanite.bench.BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
