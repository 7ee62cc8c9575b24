package dev.kyanite.server.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchemaCompilerTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  @Test
  void neverFetchesRemoteReferences() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = new AtomicInteger();
      Thread t = new Thread(() -> {
        try {
          while (true) {
            ss.accept().close();
            connections.incrementAndGet();
          }
        } catch (Exception ignored) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      SchemaCompiler c = new SchemaCompiler(Map.of());
      String url = "http://127.0.0.1:" + ss.getLocalPort() + "/s.json";
      assertThatThrownBy(() -> c.compile("r", json("{\"$ref\":\"" + url + "\"}"))).isInstanceOf(RuntimeException.class);
      Thread.sleep(200);
      assertThat(connections.get()).isZero();
    }
  }
}
