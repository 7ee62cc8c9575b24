package dev.kyanite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The on-disk frame, byte by byte: changing it must be a deliberate new version. */
class BatchFormatTest {
  private static ByteBuffer frame(long position, long ts, List<byte[]> records) {
    ByteBuffer buf = ByteBuffer.allocate(BatchFormat.frameSize(records));
    BatchFormat.encode(buf, position, ts, records);
    return buf.flip();
  }

  @Test
  void frameLayoutIsVersionOneAsDocumented() {
    ByteBuffer buf = frame(0x0102030405060708L, 0x1112131415161718L, List.of(new byte[] {'h', 'i'}, new byte[0]));
    byte[] bytes = new byte[buf.remaining()];
    buf.duplicate().get(bytes);
    String hex = HexFormat.of().formatHex(bytes);
    assertThat(bytes).hasSize(30 + 4 + 2 + 4);
    assertThat(hex.substring(0, 8)).isEqualTo("00000024");                 // length = 40 - 4
    assertThat(hex.substring(16, 20)).isEqualTo("0100");                   // version 1, flags 0
    assertThat(hex.substring(20, 36)).isEqualTo("0102030405060708");       // position
    assertThat(hex.substring(36, 52)).isEqualTo("1112131415161718");       // timestamp
    assertThat(hex.substring(52, 60)).isEqualTo("00000002");               // count
    assertThat(hex.substring(60)).isEqualTo("00000002" + "6869" + "00000000"); // records
    CRC32C crc = new CRC32C();
    crc.update(bytes, 8, bytes.length - 8);
    assertThat(buf.getInt(4)).isEqualTo((int) crc.getValue());
    assertThat(BatchFormat.check(buf, 0, 0x0102030405060708L, 1 << 20)).isEqualTo(bytes.length);
  }

  @Test
  void anyFlippedBitOrWrongPositionIsRejected() {
    ByteBuffer good = frame(7, 1, List.of("payload".getBytes()));
    for (int i = 0; i < good.limit(); i++) {
      for (int bit = 0; bit < 8; bit++) {
        ByteBuffer bad = ByteBuffer.allocate(good.limit()).put(good.duplicate()).flip();
        bad.put(i, (byte) (bad.get(i) ^ (1 << bit)));
        assertThat(BatchFormat.check(bad, 0, 7, 1 << 20)).as("byte %d bit %d", i, bit).isLessThanOrEqualTo(0);
      }
    }
    assertThat(BatchFormat.check(good, 0, 8, 1 << 20)).isEqualTo(-1);
  }

  @Test
  void aCutFrameAsksForMoreBytesAndZeroesAreNoFrame() {
    ByteBuffer good = frame(0, 1, List.of(new byte[100]));
    assertThat(BatchFormat.check(good.duplicate().limit(50), 0, 0, 1 << 20)).isZero();
    assertThat(BatchFormat.check(ByteBuffer.allocate(64), 0, 0, 1 << 20)).isEqualTo(-1);
  }
}
