package io.featuremon.serdes;

import java.io.ByteArrayOutputStream;

/**
 * The Confluent wire format of a Kafka key or value: magic byte {@code 0}, the schema id as a
 * 4-byte big-endian int, then the Avro binary encoding of the datum (no Avro container header).
 *
 * <p>Readers call {@link #schemaId(byte[])} and decode the Avro body from offset
 * {@link #HEADER_LENGTH}; writers call {@link #writeHeader(ByteArrayOutputStream, int)} and then
 * append the Avro body.
 */
public final class WireFormat {

    /** The only magic byte defined by the Confluent format. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id: the offset at which the Avro body starts. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /**
     * Reads the schema id of a framed value.
     *
     * @throws MalformedRecordException if {@code data} is null, empty, shorter than the header or
     *                                  does not start with the magic byte
     */
    public static int schemaId(byte[] data) {
        if (data == null) {
            throw new MalformedRecordException("value is null; expected the Confluent Avro wire format"
                    + " (magic byte 0x00, 4-byte schema id, Avro body)");
        }
        if (data.length == 0) {
            throw new MalformedRecordException("value is empty (0 bytes); expected the Confluent Avro wire format"
                    + " (magic byte 0x00, 4-byte schema id, Avro body)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new MalformedRecordException(String.format(
                    "unknown magic byte 0x%02x: not the Confluent Avro wire format, which starts with 0x00",
                    data[0] & 0xff));
        }
        if (data.length < HEADER_LENGTH) {
            throw new MalformedRecordException("value is too short: " + data.length + " bytes, but the Confluent"
                    + " wire-format header alone is " + HEADER_LENGTH + " bytes (magic byte and 4-byte schema id)");
        }
        return (data[1] & 0xff) << 24 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 8 | (data[4] & 0xff);
    }

    /** Writes the magic byte and the big-endian schema id; the caller appends the Avro body. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }
}
