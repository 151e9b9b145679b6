package io.featuremon.serdes;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Avro records as natural JSON, for replay outputs and anything a person or {@code jq} reads.
 *
 * <p>Unlike Avro's JSON encoding, unions are unwrapped ({@code "segment": "eu"}, not
 * {@code {"string": "eu"}}). Fields come in schema order; map keys are sorted; bytes and fixed are
 * base64 strings; float and double are JSON numbers, except NaN and the infinities, which JSON
 * lacks and which become the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 * The mapping is one-way (the unwrapped union branch is not recorded) and deterministic: equal
 * records give byte-identical {@link #toJsonLine(IndexedRecord)} output, on every JDK.
 *
 * <p><b>Numbers on every JDK.</b> A double is written as its shortest decimal that reads back to the
 * same double, by Jackson's own Schubfach writer ({@link #decimal(double)}), not by
 * {@code Double.toString}: Java 19 rewrote that (JDK-4511638), and Java 17's sometimes gives more
 * digits or another neighbour ({@code 1.0E23} prints as {@code 9.999999999999999E22},
 * {@code 2.82879384806159E17} as {@code 2.82879384806159008E17}), so the same outputs would differ
 * between Java 17 and 21 or 25. Jackson's writer gives what Java 19 and later give, on any JDK.
 */
public final class AvroJson {

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    /** The record as a JSON object; works for generated and generic records. */
    public static ObjectNode toJson(IndexedRecord record) {
        ObjectNode json = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.set(field.name(), toJson(record.get(field.pos()), field.schema()));
        }
        return json;
    }

    /** The record as one line of compact JSON, without the line terminator. */
    public static String toJsonLine(IndexedRecord record) {
        return toJsonLine(toJson(record));
    }

    /**
     * A tree as one line of compact JSON, numbers as {@link #decimal(double)} writes them (unlike
     * {@code JsonNode.toString()}, which uses {@code Double.toString}).
     */
    public static String toJsonLine(JsonNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes; this would be a Jackson bug.
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shortest decimal that reads back as {@code value}, in {@code Double.toString}'s format as
     * Java 19 and later write it, the same on every JDK (see the class comment).
     */
    public static String decimal(double value) {
        return NumberOutput.toString(value, true);
    }

    private static JsonNode toJson(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            // SpecificData also recognises generated enums and records when choosing the branch.
            case UNION -> toJson(value, schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)));
            case RECORD -> toJson((IndexedRecord) value);
            case MAP -> {
                // Sorted by the key's text: HashMap order would differ between equal records.
                Map<String, Object> sorted = new TreeMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> sorted.put(k.toString(), v));
                ObjectNode json = NODES.objectNode();
                sorted.forEach((k, v) -> json.set(k, toJson(v, schema.getValueType())));
                yield json;
            }
            case ARRAY -> {
                ArrayNode json = NODES.arrayNode();
                ((Collection<?>) value).forEach(item -> json.add(toJson(item, schema.getElementType())));
                yield json;
            }
            case STRING, ENUM -> NODES.textNode(value.toString());
            case BYTES -> NODES.textNode(base64((ByteBuffer) value));
            case FIXED -> NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
            case INT -> NODES.numberNode(((Number) value).intValue());
            case LONG -> NODES.numberNode(((Number) value).longValue());
            case FLOAT -> {
                float f = (Float) value;
                yield Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(Float.toString(f));
            }
            case DOUBLE -> {
                double d = (Double) value;
                yield Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case NULL -> NODES.nullNode();
        };
    }

    private static String base64(ByteBuffer bytes) {
        // duplicate(): reading must not move the record's own buffer position.
        ByteBuffer view = bytes.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return Base64.getEncoder().encodeToString(copy);
    }
}
