#ifndef SWITCHBOARD_CRDKAFKA_SHIM_H
#define SWITCHBOARD_CRDKAFKA_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// RD_KAFKA_PARTITION_UA is a cast macro Swift cannot import: "let the partitioner or the group decide".
static const int32_t switchboard_rdkafka_partition_unassigned = RD_KAFKA_PARTITION_UA;

/// rd_kafka_producev is variadic, so Swift cannot call it: this produces one message (payload copied by
/// librdkafka) with an optional key, an optional header list and a timestamp in epoch milliseconds (0: now).
/// On success librdkafka owns `headers`; on failure the caller still owns them. `msg_opaque` comes back in the
/// delivery report.
static inline rd_kafka_resp_err_t switchboard_rdkafka_produce(rd_kafka_t *rk,
                                                              const char *topic,
                                                              const void *key,
                                                              size_t key_len,
                                                              const void *value,
                                                              size_t value_len,
                                                              rd_kafka_headers_t *headers,
                                                              int64_t timestamp,
                                                              void *msg_opaque) {
    if (headers != NULL) {
        return rd_kafka_producev(rk,
                                 RD_KAFKA_V_TOPIC(topic),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_KEY(key, key_len),
                                 RD_KAFKA_V_VALUE((void *)value, value_len),
                                 RD_KAFKA_V_HEADERS(headers),
                                 RD_KAFKA_V_TIMESTAMP(timestamp),
                                 RD_KAFKA_V_OPAQUE(msg_opaque),
                                 RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_TOPIC(topic),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_TIMESTAMP(timestamp),
                             RD_KAFKA_V_OPAQUE(msg_opaque),
                             RD_KAFKA_V_END);
}
#endif
