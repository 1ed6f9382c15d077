package dev.molt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FramerTest {
  @Provide
  Arbitrary<List<byte[]>> lines() {
    return Arbitraries.bytes()
        .filter(b -> b != '\n' && b != '\r')
        .array(byte[].class)
        .ofMaxSize(200)
        .list()
        .ofMaxSize(20);
  }

  @Provide
  Arbitrary<List<byte[]>> messages() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(20);
  }

  /** Frames every message, feeds the stream in chunks of {@code chunk} bytes, reads them back. */
  private static List<byte[]> roundTrip(Packet packet, List<byte[]> messages, int chunk)
      throws Framer.TooLong {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    messages.forEach(m -> stream.writeBytes(Framer.frame(packet, m)));
    byte[] all = stream.toByteArray();
    Framer framer = new Framer(packet, 1024);
    List<byte[]> read = new ArrayList<>();
    for (int at = 0; at < all.length; at += chunk) {
      framer.add(all, at, Math.min(chunk, all.length - at));
      for (byte[] m = framer.next(); m != null; m = framer.next()) {
        read.add(m);
      }
    }
    return read;
  }

  @Property
  void linesComeBackWhateverTheChunks(
      @ForAll("lines") List<byte[]> lines, @ForAll @IntRange(min = 1, max = 700) int chunk)
      throws Exception {
    assertThat(roundTrip(Packet.LINE, lines, chunk)).containsExactlyElementsOf(lines);
  }

  @Property
  void prefixedMessagesComeBackWhateverTheChunks(
      @ForAll("messages") List<byte[]> messages, @ForAll @IntRange(min = 1, max = 700) int chunk)
      throws Exception {
    assertThat(roundTrip(Packet.LENGTH_4, messages, chunk)).containsExactlyElementsOf(messages);
  }

  @Property
  void garbageNeverBreaksTheFramerOnlyEndsItWithTooLong(
      @ForAll byte[] garbage, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    for (Packet packet : Packet.values()) {
      Framer framer = new Framer(packet, 16);
      try {
        for (int at = 0; at < garbage.length; at += chunk) {
          framer.add(garbage, at, Math.min(chunk, garbage.length - at));
          for (byte[] m = framer.next(); m != null; m = framer.next()) {
            assertThat(m.length).isLessThanOrEqualTo(packet == Packet.RAW ? garbage.length : 16);
          }
        }
      } catch (Framer.TooLong expected) {
        assertThat(expected.getMessage()).containsAnyOf("maximum of 16", "more than 16 bytes");
      }
    }
  }

  @Test
  void aLineEndingInCrLfLosesBoth() throws Exception {
    Framer framer = new Framer(Packet.LINE, 100);
    byte[] bytes = "hello\r\nworld\n".getBytes();
    framer.add(bytes, 0, bytes.length);
    assertThat(new String(framer.next())).isEqualTo("hello");
    assertThat(new String(framer.next())).isEqualTo("world");
    assertThat(framer.next()).isNull();
  }

  @Test
  void tooLongIsSaidWithTheSizes() {
    Framer lines = new Framer(Packet.LINE, 10);
    byte[] line = "0123456789ABCDEF".getBytes();
    lines.add(line, 0, line.length);
    assertThatThrownBy(lines::next)
        .isInstanceOf(Framer.TooLong.class)
        .hasMessage("a line of more than 10 bytes with no end");
    Framer prefixed = new Framer(Packet.LENGTH_4, 10);
    byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    prefixed.add(header, 0, 4);
    assertThatThrownBy(prefixed::next)
        .hasMessage("a message of 4294967295 bytes, over the maximum of 10");
  }
}
