/**
 * Kafka serdes and Kafka-free codecs for the Polyroute Avro records in {@code io.polyroute.avro}.
 *
 * <p>{@link io.polyroute.schemas.AvroCodec} turns one record type into bytes and back in either
 * {@link io.polyroute.schemas.AvroEncoding}; {@link io.polyroute.schemas.AvroSerde} adapts a codec
 * to Kafka's {@code Serde}; {@link io.polyroute.schemas.AvroSerdes} has a factory per record type;
 * {@link io.polyroute.schemas.SchemaFiles} gives access to the {@code .avsc} files on the classpath.
 * Bad input bytes always surface as {@link io.polyroute.schemas.RecordDecodeException}, with a
 * {@link io.polyroute.schemas.RecordDecodeException.Reason} that says what was wrong.
 */
package io.polyroute.schemas;
