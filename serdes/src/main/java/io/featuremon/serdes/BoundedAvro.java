package io.featuremon.serdes;

import java.util.List;

import org.apache.avro.Schema;

/**
 * Checks that Avro binary bytes are a complete value of a writer schema before any decoder allocates for them.
 *
 * <p>Avro's {@code BinaryDecoder} trusts the length prefixes it reads: five random bytes after a valid header can
 * ask for a 1.5 GB string, or a map of two billion entries, and the {@code OutOfMemoryError} kills the stream
 * thread on every restart. This walker reads the same bytes first, without allocating, and refuses a value whose
 * string, bytes or fixed length exceeds the bytes that remain, whose array or map block announces more items than
 * there are bytes left (every item of the schemas featuremon reads takes at least one byte), whose union or enum
 * index is out of range, whose varints are over-long, or which leaves trailing bytes. What passes can allocate at
 * most a small multiple of the record's own size, which {@code input.max.record.bytes} bounds.
 */
public final class BoundedAvro {

    private final byte[] data;
    private final int end;
    private int pos;

    private BoundedAvro(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * @throws MalformedRecordException naming what is wrong and where, if the bytes are not exactly one value of
     *                                  {@code writer}
     */
    public static void check(Schema writer, byte[] data, int offset, int length) {
        BoundedAvro walker = new BoundedAvro(data, offset, length);
        walker.value(writer, 0);
        if (walker.pos != walker.end) {
            throw new MalformedRecordException((walker.end - walker.pos) + " bytes left over after the Avro body of "
                    + writer.getFullName() + ": the value was not written with that schema");
        }
    }

    /** Nesting deeper than this is refused: a recursive schema with hostile bytes must not overflow the stack. */
    private static final int MAX_DEPTH = 64;

    private void value(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("values nested deeper than " + MAX_DEPTH);
        }
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> {
                int b = readByte();
                if (b > 1) {
                    throw malformed("boolean byte " + b);
                }
            }
            case INT -> varint(5);
            case LONG -> varint(10);
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case STRING, BYTES -> skip(length(schema.getType().getName()), schema.getType().getName());
            case FIXED -> skip(schema.getFixedSize(), "fixed");
            case ENUM -> index(schema.getEnumSymbols().size(), "enum symbol");
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                value(branches.get(index(branches.size(), "union branch")), depth + 1);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    value(field.schema(), depth + 1);
                }
            }
            case ARRAY -> blocks(schema.getElementType(), null, depth);
            case MAP -> blocks(schema.getValueType(), Schema.create(Schema.Type.STRING), depth);
            default -> throw malformed("unsupported type " + schema.getType());
        }
    }

    private void blocks(Schema item, Schema key, int depth) {
        while (true) {
            long count = varint(10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                // A negative count is followed by the block's size in bytes (a hint for skipping).
                count = -count;
                long size = varint(10);
                if (size < 0 || size > remaining()) {
                    throw malformed("block of " + size + " bytes with " + remaining() + " bytes left");
                }
            }
            if (count > remaining()) {
                throw malformed("block of " + count + " items with " + remaining() + " bytes left");
            }
            int width = key == null ? fixedWidth(item) : -1;
            if (width > 0) {
                // An embedding's floats: one bounds check for the block instead of one call per item.
                skip(count * width, item.getType().getName() + " block");
                continue;
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    value(key, depth + 1);
                }
                value(item, depth + 1);
            }
        }
    }

    /** Bytes every value of this schema takes, or -1 when that varies (varints, strings, unions, ...). */
    private static int fixedWidth(Schema schema) {
        return switch (schema.getType()) {
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize() > 0 ? schema.getFixedSize() : -1;
            default -> -1;
        };
    }

    private int index(int size, String what) {
        long index = varint(10);
        if (index < 0 || index >= size) {
            throw malformed(what + " index " + index + " (the schema has " + size + ")");
        }
        return (int) index;
    }

    private long length(String what) {
        long length = varint(10);
        if (length < 0 || length > remaining()) {
            throw malformed(what + " length " + length + " with " + remaining() + " bytes left");
        }
        return length;
    }

    private void skip(long n, String what) {
        if (n > remaining()) {
            throw malformed("truncated " + what + ": needs " + n + " bytes, " + remaining() + " left");
        }
        pos += (int) n;
    }

    private int readByte() {
        if (pos >= end) {
            throw malformed("truncated: the value ends early");
        }
        return data[pos++] & 0xff;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes (5 for int, 10 for long), decoded. */
    private long varint(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = readByte();
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw malformed("varint longer than " + maxBytes + " bytes");
    }

    private long remaining() {
        return end - pos;
    }

    private MalformedRecordException malformed(String what) {
        return new MalformedRecordException("not a valid Avro value: " + what + " at byte " + pos);
    }
}
