package dev.kyanite.server.rules;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the example processor ({@code kyanite-examples/example-processor}) into a plugin jar from
 * its sources, so tests load it the way an operator would: from a jar in a plugins directory, with
 * none of its classes on the server's class path.
 */
final class ExamplePluginJar {
  static final Path MODULE = Path.of("..", "kyanite-examples", "example-processor", "src", "main");

  private ExamplePluginJar() {}

  /** Writes {@code example-processor.jar} into {@code pluginsDir} and returns its path. */
  static Path build(Path pluginsDir) throws IOException {
    Path classes = Files.createTempDirectory("example-processor-classes");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17",
        "-cp", System.getProperty("java.class.path")));
    try (Stream<Path> s = Files.walk(MODULE.resolve("java"))) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null || javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
      throw new IOException("compiling the example processor failed");
    }
    Files.createDirectories(pluginsDir);
    Path jar = pluginsDir.resolve("example-processor.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      add(out, classes);
      add(out, MODULE.resolve("resources"));
    }
    return jar;
  }

  private static void add(JarOutputStream out, Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(root.relativize(p).toString().replace('\\', '/')));
        try (OutputStream o = new NoClose(out)) {
          Files.copy(p, o);
        }
        out.closeEntry();
      }
    }
  }

  private static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
