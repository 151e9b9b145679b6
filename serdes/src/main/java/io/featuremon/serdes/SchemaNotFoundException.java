package io.featuremon.serdes;

/**
 * The registry does not know the subject (40401), version (40402) or schema (40403) asked for.
 *
 * <p>Permanent: a record whose schema id is unknown can never be decoded and is a dead letter.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    /** Confluent error code for an unknown subject. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code for an unknown version of a subject. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code for an unknown schema or schema id. */
    public static final int SCHEMA_NOT_FOUND = 40403;

    public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
