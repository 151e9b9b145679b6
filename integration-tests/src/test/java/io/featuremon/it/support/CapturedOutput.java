package io.featuremon.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Everything this JVM writes to {@code System.out} and {@code System.err} while it is open, still passed on to the
 * original streams. slf4j-simple (the tests' logger) looks {@code System.err} up at every line, so this sees the log
 * of every thread: the application's, Kafka's clients' and the in-process broker's, at the configured levels
 * ({@code simplelogger.properties}).
 *
 * <pre>{@code
 * try (CapturedOutput output = CapturedOutput.start()) {
 *     ...
 *     assertThat(output.text()).doesNotContain(password);
 * }
 * }</pre>
 */
public final class CapturedOutput implements AutoCloseable {

    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private CapturedOutput() {
    }

    public static CapturedOutput start() {
        CapturedOutput captured = new CapturedOutput();
        System.setOut(new PrintStream(new Tee(captured.originalOut, captured.copy), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(captured.originalErr, captured.copy), true, StandardCharsets.UTF_8));
        return captured;
    }

    /** What was written so far. */
    public String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** Puts the original streams back; {@link #text()} still answers. */
    @Override
    public void close() {
        System.out.flush();
        System.err.flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            original.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            original.write(bytes, off, len);
            synchronized (copy) {
                copy.write(bytes, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            original.flush();
        }
    }
}
