package io.xasflow.stream;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Sends each output record to the topic of its Avro class and serialises it with that topic's serde, so that one sink
 * serves every output topic.
 */
final class OutputRouter implements TopicNameExtractor<String, Object>, Serializer<Object> {
    /** Where records of one class go, and how they are written. */
    record Route(String topic, Serializer<?> serializer) {
        Route(String topic, Serde<?> serde) {
            this(topic, serde.serializer());
        }
    }

    private final Map<Class<?>, Route> routes;

    OutputRouter(Map<Class<?>, Route> routes) {
        this.routes = Map.copyOf(routes);
    }

    @Override
    public String extract(String key, Object value, RecordContext context) {
        return route(value).topic();
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, Object value) {
        return ((Serializer<Object>) route(value).serializer()).serialize(topic, value);
    }

    /** This router as the value serde of the sink (it never reads). */
    Serde<Object> serde() {
        return Serdes.serdeFrom(this, (topic, bytes) -> {
            throw new UnsupportedOperationException("the output router only writes");
        });
    }

    private Route route(Object value) {
        Route route = value == null ? null : routes.get(value.getClass());
        if (route == null) {
            throw new IllegalArgumentException("no output topic for " + (value == null ? "a null value"
                    : "a " + value.getClass().getName()) + "; routes: " + routes.keySet());
        }
        return route;
    }
}
