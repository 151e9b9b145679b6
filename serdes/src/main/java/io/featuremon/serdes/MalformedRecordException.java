package io.featuremon.serdes;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a valid Confluent-framed Avro value: no or wrong header,
 * truncated body, trailing bytes, or a writer schema that cannot be read as the expected type.
 *
 * <p>Permanent: the record is a dead letter, and the message is a reason fit to store with it.
 */
public class MalformedRecordException extends SerializationException {

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
