package io.featuremon.serdes;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry answered, and refused the request (HTTP 4xx).
 *
 * <p>Only the subclass {@link SchemaNotFoundException} blames the record (its schema id is unknown,
 * so it is a dead letter). Any other instance means the application is misconfigured (401/403: bad
 * credentials, 409: incompatible schema, 422: invalid schema) and should stop rather than
 * dead-letter every record. An unreachable registry is a different type altogether:
 * {@link SchemaRegistryUnavailableException}.
 */
public class SchemaRegistryException extends SerializationException {

    private final int httpStatus;
    private final int errorCode;

    /**
     * @param httpStatus the HTTP status of the answer
     * @param errorCode  the registry's {@code error_code} (for example 40403), or the HTTP status
     *                   when the body carries none
     */
    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The Confluent {@code error_code} of the answer, for example 40403 for an unknown schema. */
    public int errorCode() {
        return errorCode;
    }
}
