package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fold-versus-peak report runs end to end on a tiny input (numpy side off) and prints its target lines. */
class FoldVsPeakTest {

  @Test
  void shouldPrintEveryTargetLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FoldVsPeak.run(new int[] {20}, 8, 64, 1, 0.05, null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("fold ÷ vector FMA peak, d=20, vector kernel: median")
        .contains("fold ÷ vector FMA peak, d=20, scalar kernel: median");
    assertThat(FoldVsPeak.peakGfma(0.05)).isPositive();
  }
}
