package io.featuremon.topology;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * Reference profile files: the reference-store entries of one or more groups, as written by
 * {@code featuremon profile} and read by {@code reference.mode=profile}. Layout: the magic {@code FMPROFILE}, a
 * format byte, the entry count, then (key length, key, value length, value) per entry, keys in byte order.
 */
public final class Profiles {
  private static final byte[] MAGIC = "FMPROFILE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte FORMAT = 1;

  private Profiles() {}

  public static void write(Path file, Map<Bytes, byte[]> entries) throws IOException {
    Map<Bytes, byte[]> sorted = new TreeMap<>(entries);
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.write(MAGIC);
      out.writeByte(FORMAT);
      out.writeInt(sorted.size());
      for (Map.Entry<Bytes, byte[]> e : sorted.entrySet()) {
        out.writeInt(e.getKey().get().length);
        out.write(e.getKey().get());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
    }
  }

  public static Map<Bytes, byte[]> read(Path file) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC) || in.readByte() != FORMAT) {
        throw new IllegalArgumentException(file + " is not a featuremon profile (build one with `featuremon profile`)");
      }
      int n = in.readInt();
      Map<Bytes, byte[]> entries = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        byte[] key = in.readNBytes(in.readInt());
        byte[] value = in.readNBytes(in.readInt());
        entries.put(Bytes.wrap(key), value);
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read profile " + file + ": " + e.getMessage(), e);
    }
  }
}
