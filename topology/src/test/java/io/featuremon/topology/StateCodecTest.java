package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The internal layouts read strictly: truncated bytes, trailing bytes and lengths beyond the bytes are refused with
 * what and where (never a BufferUnderflowException, nor an allocation the bytes cannot back), and state written by
 * earlier versions, which lacks later optional fields, still reads.
 */
class StateCodecTest {

  /** Index of the clock below, and the length of a clock before the quorum list: format, 2 longs, 2 panes. */
  static final int CLOCK = 1;
  static final int OLD_CLOCK = 1 + 8 + 8 + 4 + 2 * 8;

  @Test
  void everyLayoutShouldRoundTripAndRefuseTruncatedOrTrailingBytes() {
    List<byte[]> encoded = List.of(
        StateCodec.encodeSchema(new StateCodec.Schema(2, List.of("a", "b"), List.of("c"))),
        StateCodec.encodeClock(new StateCodec.Clock(100, 0, List.of(0L, 60L), new long[] {90, 100}, true)),
        StateCodec.encodeLong(42),
        StateCodec.encodePane(new StateCodec.PaneCounters(3, 1, new long[] {0, 2})),
        StateCodec.encodeCounts(new TreeMap<>(java.util.Map.of("schema", 2L, "late", 1L))),
        StateCodec.encodeTile(new double[] {1, 2, 3}),
        StateCodec.encodeEmbeddingRow(new float[] {1, 2}),
        StateCodec.encodeTabularRow(new double[] {1, 0}, new boolean[] {true, false}, new String[] {"x", null}),
        new GroupKey("m", "eu", EventType.FEATURES).toBytes(),
        ImportanceUpdater.encode(new TreeMap<>(java.util.Map.of("a", 0.5))),
        new MonitoredEvent(EventType.FEATURES, 7, "r", "t", 0, 1, 7, null, features(), false, null).toBytes());
    List<java.util.function.Function<byte[], Object>> decoders = List.of(StateCodec::decodeSchema,
        StateCodec::decodeClock, StateCodec::decodeLong, StateCodec::decodePane, StateCodec::decodeCounts,
        StateCodec::decodeTile, StateCodec::decodeRow, StateCodec::decodeRow, GroupKey::fromBytes,
        ImportanceUpdater::decode, MonitoredEvent::fromBytes);
    for (int i = 0; i < encoded.size(); i++) {
      byte[] bytes = encoded.get(i);
      var decode = decoders.get(i);
      decode.apply(bytes);
      byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
      assertThatThrownBy(() -> decode.apply(trailing)).as("layout %d with a trailing byte", i)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("trailing");
      for (int cut = 1; cut < bytes.length; cut++) {
        if (i == CLOCK && (cut == OLD_CLOCK || cut == OLD_CLOCK + 4 + 16)) {
          continue; // exactly the clocks of earlier versions (no quorum list; no flag): they read, as they must
        }
        byte[] truncated = Arrays.copyOf(bytes, cut);
        assertThatThrownBy(() -> decode.apply(truncated)).as("layout %d cut to %d bytes", i, cut)
            .isInstanceOf(IllegalStateException.class);
      }
    }
  }

  private static java.util.SortedMap<String, Object> features() {
    java.util.SortedMap<String, Object> values = new TreeMap<>();
    values.put("x", 1.0);
    values.put("country", "DE");
    values.put("y", null);
    return values;
  }

  @Test
  void aLengthBeyondTheBytesShouldBeRefusedBeforeAllocating() {
    byte[] tile = StateCodec.encodeTile(new double[] {1, 2});
    tile[1] = 0x7f; // length 0x7f000002 doubles: 16 GiB that two doubles' bytes cannot back
    assertThatThrownBy(() -> StateCodec.decodeTile(tile)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void clocksAndHeadersOfEarlierVersionsShouldStillRead() {
    // A clock before the quorum list and the shapes-waiting flag: format, stream time, last closed, panes.
    byte[] old = new BinaryWriter(32).writeByte(1).writeLong(500).writeLong(0).writeInt(1).writeLong(0).toByteArray();
    StateCodec.Clock clock = StateCodec.decodeClock(old);
    assertThat(clock.streamTime()).isEqualTo(500);
    assertThat(clock.latest()).containsExactly(500);
    assertThat(clock.shapesWaiting()).isTrue();
    // A moments header before the compensated mean: no low parts.
    byte[] header = new BinaryWriter(64).writeByte(1).writeLong(2).writeDoubles(new double[] {1.5})
        .writeDoubles(new double[] {1}).writeDoubles(new double[] {2}).writeLongs(new long[] {0}).toByteArray();
    assertThat(StateCodec.decodeHeader(header).meanLow()).containsExactly(0.0);
  }
}
