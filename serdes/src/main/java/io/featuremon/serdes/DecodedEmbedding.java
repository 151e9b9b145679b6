package io.featuremon.serdes;

import java.util.Arrays;
import java.util.Objects;

/**
 * An {@code EmbeddingEvent} as the hot path sees it: the vector as a primitive {@code float[]}.
 *
 * <p>The array is handed over, not copied: whoever holds the record owns it. Equality compares the
 * vector element by element ({@link Arrays#equals(float[], float[])}: NaN equals NaN, 0.0 differs
 * from -0.0).
 *
 * @param model     model name
 * @param segment   optional segment, or null
 * @param timestamp event time, epoch milliseconds UTC
 * @param requestId optional prediction request id, or null (also null for writers that predate it)
 * @param vector    the embedding
 */
public record DecodedEmbedding(String model, String segment, long timestamp, String requestId, float[] vector) {

    public DecodedEmbedding {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(vector, "vector");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedEmbedding that
                && timestamp == that.timestamp
                && model.equals(that.model)
                && Objects.equals(segment, that.segment)
                && Objects.equals(requestId, that.requestId)
                && Arrays.equals(vector, that.vector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, segment, timestamp, requestId, Arrays.hashCode(vector));
    }

    /** Shows the dimension, not the hundreds of floats. */
    @Override
    public String toString() {
        return "DecodedEmbedding[model=" + model + ", segment=" + segment + ", timestamp=" + timestamp
                + ", requestId=" + requestId + ", dimension=" + vector.length + "]";
    }
}
