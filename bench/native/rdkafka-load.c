/*
 * Load generator for `npm run bench -- broker`: a real Kafka client (librdkafka) producing to and
 * consuming from one partition, so the broker is measured as clients see it. bench/broker.ts
 * compiles it at run time (cc -O2 rdkafka-load.c -lrdkafka -lpthread) and reads the last line of
 * its standard output, one JSON object. Errors go to standard error and exit 1.
 *
 *   metadata <bootstrap>                        the broker answers Metadata (readiness check)
 *   produce  <bootstrap> <topic> <count> <size> create the topic (1 partition, RF 1), then produce
 *                                               `count` records of `size` bytes to partition 0
 *                                               with acks=all, librdkafka's defaults otherwise
 *                                               (batching, linger.ms), and wait for every
 *                                               delivery report. Stops enqueueing at half the time
 *                                               limit: `records` says how many were sent
 *   consume  <bootstrap> <topic> <count>        assign partition 0 from offset 0 (no group, no
 *                                               commits) and read `count` records
 *   e2e      <bootstrap> <topic> <rate> <seconds>
 *                                               a producer thread paced at `rate` records/s with
 *                                               the send time in each payload, and a consumer
 *                                               reading from the end offset concurrently;
 *                                               end-to-end latency percentiles. Stock settings.
 *   mock     <topic> <count> <size>             produce then consume as above against
 *                                               librdkafka's in-process mock cluster
 *                                               (test.mock.num.brokers=1): the client's own ceiling
 *
 * `produce` and `e2e` also accept `mock` as bootstrap. Every mode takes an optional last argument,
 * a time limit in seconds (default 300): no loop runs past it. RDKAFKA_LOAD_DEBUG=<contexts> sets
 * librdkafka's `debug` property (e.g. fetch,protocol) on every client.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define E2E_MAGIC UINT64_C(0x736c756963654532) /* "sluiceE2" */
#define E2E_SIZE 1024
#define WARMUP_SEQ UINT64_MAX

static double time_limit_s = 300;
static int64_t started_us;

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "rdkafka-load: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

/** Microseconds left before the process-wide time limit; dies when it has passed. */
static int64_t remaining_us(const char *what) {
    int64_t left = started_us + (int64_t)(time_limit_s * 1e6) - now_us();
    if (left <= 0) die("time limit of %.0f s reached while %s", time_limit_s, what);
    return left;
}

static int remaining_ms(const char *what, int cap_ms) {
    int64_t left = remaining_us(what) / 1000;
    return left < cap_ms ? (int)(left > 0 ? left : 1) : cap_ms;
}

static void sleep_us(int64_t us) {
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static long parse_long(const char *text, const char *name) {
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value <= 0) die("%s must be a positive integer, got '%s'", name, text);
    return value;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) die("%s=%s: %s", key, value, errstr);
}

/** A configuration with librdkafka's defaults, plus `debug` from RDKAFKA_LOAD_DEBUG when set. */
static rd_kafka_conf_t *new_conf(void) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *debug = getenv("RDKAFKA_LOAD_DEBUG");
    if (debug != NULL && *debug != '\0') set(conf, "debug", debug);
    return conf;
}

/* ---- mock cluster ------------------------------------------------------------------------- */

static rd_kafka_t *mock_owner;

/** `mock` stands for an in-process mock cluster of one broker, created on first use. */
static const char *resolve_bootstrap(const char *bootstrap) {
    if (strcmp(bootstrap, "mock") != 0) return bootstrap;
    if (mock_owner == NULL) {
        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "test.mock.num.brokers", "1");
        set(conf, "log_level", "3");
        mock_owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (mock_owner == NULL) die("mock cluster: %s", errstr);
    }
    rd_kafka_mock_cluster_t *cluster = rd_kafka_handle_mock_cluster(mock_owner);
    if (cluster == NULL) die("mock cluster: librdkafka did not create one");
    return rd_kafka_mock_cluster_bootstraps(cluster);
}

/* ---- clients -------------------------------------------------------------------------------- */

struct delivery {
    atomic_long ok;
    atomic_long failed;
    rd_kafka_resp_err_t first_error;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    struct delivery *delivery = opaque;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        atomic_fetch_add(&delivery->ok, 1);
    } else {
        if (atomic_fetch_add(&delivery->failed, 1) == 0) delivery->first_error = message->err;
    }
}

static rd_kafka_t *new_producer(const char *bootstrap, struct delivery *delivery) {
    char errstr[512];
    rd_kafka_conf_t *conf = new_conf();
    set(conf, "bootstrap.servers", resolve_bootstrap(bootstrap));
    set(conf, "acks", "all");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, delivery);
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (producer == NULL) die("producer: %s", errstr);
    return producer;
}

static rd_kafka_t *new_consumer(const char *bootstrap, const char *fetch_wait_max_ms) {
    char errstr[512];
    rd_kafka_conf_t *conf = new_conf();
    if (fetch_wait_max_ms != NULL) set(conf, "fetch.wait.max.ms", fetch_wait_max_ms);
    set(conf, "bootstrap.servers", resolve_bootstrap(bootstrap));
    /* The consumer API needs a group id even for a manual assignment; nothing is committed. */
    set(conf, "group.id", "sluice-bench");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (consumer == NULL) die("consumer: %s", errstr);
    rd_kafka_poll_set_consumer(consumer);
    return consumer;
}

static void assign(rd_kafka_t *consumer, const char *topic, int64_t offset) {
    rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(partitions, topic, 0)->offset = offset;
    rd_kafka_resp_err_t err = rd_kafka_assign(consumer, partitions);
    rd_kafka_topic_partition_list_destroy(partitions);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) die("assign %s-0: %s", topic, rd_kafka_err2str(err));
}

static void close_consumer(rd_kafka_t *consumer) {
    rd_kafka_assign(consumer, NULL);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
}

/** Metadata of all topics, retried until the time limit: the broker's readiness as a client sees it. */
static int wait_for_metadata(rd_kafka_t *rk) {
    rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (;;) {
        if (started_us + (int64_t)(time_limit_s * 1e6) <= now_us())
            die("no Metadata response within %.0f s (last error: %s)", time_limit_s, rd_kafka_err2str(last));
        const struct rd_kafka_metadata *metadata;
        last = rd_kafka_metadata(rk, 1, NULL, &metadata, remaining_ms("waiting for metadata", 5000));
        if (last == RD_KAFKA_RESP_ERR_NO_ERROR) {
            int brokers = metadata->broker_cnt;
            rd_kafka_metadata_destroy(metadata);
            if (brokers > 0) return brokers;
        }
        sleep_us(100000);
    }
}

/** True when the topic has partition 0 with a leader. */
static int has_leader(rd_kafka_t *rk, const char *topic) {
    rd_kafka_topic_t *handle = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *metadata;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, handle, &metadata, remaining_ms("waiting for the topic", 5000));
    rd_kafka_topic_destroy(handle);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    int ready = metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                metadata->topics[0].partition_cnt >= 1 && metadata->topics[0].partitions[0].leader >= 0;
    rd_kafka_metadata_destroy(metadata);
    return ready;
}

/**
 * Creates the topic with one partition and replication factor 1 through the admin API
 * (CreateTopics); TOPIC_ALREADY_EXISTS is fine. Then waits until Metadata shows a leader.
 */
static void create_topic(rd_kafka_t *rk, const char *topic) {
    char errstr[512];
    wait_for_metadata(rk);
    if (mock_owner != NULL) {
        /* librdkafka 2.0's mock cluster names controller 0 while its broker is 1, so the admin
         * client never finds a controller: the mock's own call stands in for CreateTopics. */
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(rd_kafka_handle_mock_cluster(mock_owner), topic, 1, 1);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) die("mock topic %s: %s", topic, rd_kafka_err2str(err));
        while (!has_leader(rk, topic)) {
            remaining_us("waiting for the new topic's leader");
            sleep_us(50000);
        }
        return;
    }
    rd_kafka_NewTopic_t *new_topic = rd_kafka_NewTopic_new(topic, 1, 1, errstr, sizeof errstr);
    if (new_topic == NULL) die("topic %s: %s", topic, errstr);
    rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(options, 10000, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_request_timeout(options, 15000, errstr, sizeof errstr);
    rd_kafka_CreateTopics(rk, &new_topic, 1, options, queue);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue, remaining_ms("creating the topic", 30000));
    if (event == NULL) die("CreateTopics %s: no result", topic);
    if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR)
        die("CreateTopics %s: %s", topic, rd_kafka_event_error_string(event));
    const rd_kafka_CreateTopics_result_t *result = rd_kafka_event_CreateTopics_result(event);
    if (result == NULL) die("CreateTopics %s: unexpected event %s", topic, rd_kafka_event_name(event));
    size_t count;
    const rd_kafka_topic_result_t **topics = rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; i++) {
        rd_kafka_resp_err_t err = rd_kafka_topic_result_error(topics[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            die("CreateTopics %s: %s (%s)", topic, rd_kafka_err2name(err), rd_kafka_topic_result_error_string(topics[i]));
    }
    rd_kafka_event_destroy(event);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
    rd_kafka_NewTopic_destroy(new_topic);
    while (!has_leader(rk, topic)) {
        remaining_us("waiting for the new topic's leader");
        sleep_us(50000);
    }
}

/** Produces one record to partition 0, waiting (bounded) while the local queue is full. */
static void produce_one(rd_kafka_t *producer, rd_kafka_topic_t *topic, void *payload, size_t size) {
    while (rd_kafka_produce(topic, 0, RD_KAFKA_MSG_F_COPY, payload, size, NULL, 0, NULL) != 0) {
        rd_kafka_resp_err_t err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce: %s", rd_kafka_err2str(err));
        remaining_us("producing (local queue full)");
        rd_kafka_poll(producer, 5);
    }
}

/** Waits for every outstanding delivery report, bounded by the time limit. */
static void flush(rd_kafka_t *producer) {
    while (rd_kafka_outq_len(producer) > 0) {
        remaining_us("waiting for delivery reports");
        rd_kafka_flush(producer, 100);
    }
}

static void check_delivery(struct delivery *delivery, long expected) {
    long failed = atomic_load(&delivery->failed);
    if (failed > 0) die("%ld of %ld records failed, first: %s", failed, expected, rd_kafka_err2str(delivery->first_error));
    if (atomic_load(&delivery->ok) != expected) die("%ld of %ld records delivered", atomic_load(&delivery->ok), expected);
}

/* ---- modes ---------------------------------------------------------------------------------- */

struct throughput {
    long records;
    long bytes;
    double seconds;
};

static void print_throughput(const char *mode, struct throughput result) {
    printf("{\"mode\":\"%s\",\"records\":%ld,\"bytes\":%ld,\"seconds\":%.6f,\"mbps\":%.3f,\"rps\":%.1f}\n", mode,
           result.records, result.bytes, result.seconds, result.bytes / result.seconds / 1e6,
           result.records / result.seconds);
    fflush(stdout);
}

static struct throughput run_produce(const char *bootstrap, const char *topic_name, long count, long size) {
    struct delivery delivery = {0};
    rd_kafka_t *producer = new_producer(bootstrap, &delivery);
    create_topic(producer, topic_name);
    rd_kafka_topic_t *topic = rd_kafka_topic_new(producer, topic_name, NULL);
    char *payload = malloc((size_t)size);
    if (payload == NULL) die("out of memory");
    for (long i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);

    /* Enqueueing stops at half the time limit, leaving the rest for the delivery reports: a slow
     * broker yields fewer records rather than no figure. */
    int64_t start = now_us();
    int64_t enqueue_until = started_us + (int64_t)(time_limit_s * 1e6 / 2);
    long produced = 0;
    for (; produced < count; produced++) {
        memcpy(payload, &produced, sizeof produced < (size_t)size ? sizeof produced : (size_t)size);
        produce_one(producer, topic, payload, (size_t)size);
        if ((produced & 1023) == 0) {
            rd_kafka_poll(producer, 0);
            if (now_us() > enqueue_until) {
                produced++;
                break;
            }
        }
    }
    flush(producer);
    double seconds = (now_us() - start) / 1e6;
    check_delivery(&delivery, produced);

    free(payload);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(producer);
    return (struct throughput){.records = produced, .bytes = produced * size, .seconds = seconds};
}

static struct throughput run_consume(const char *bootstrap, const char *topic, long count) {
    rd_kafka_t *consumer = new_consumer(bootstrap, NULL);
    long records = 0, bytes = 0;
    int64_t start = now_us();
    assign(consumer, topic, 0);
    while (records < count) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, remaining_ms("consuming", 100));
        if (message == NULL) continue;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            records++;
            bytes += (long)message->len + (long)message->key_len;
        } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            fprintf(stderr, "rdkafka-load: consume: %s\n", rd_kafka_message_errstr(message));
        }
        rd_kafka_message_destroy(message);
    }
    double seconds = (now_us() - start) / 1e6;
    close_consumer(consumer);
    return (struct throughput){.records = records, .bytes = bytes, .seconds = seconds};
}

/**
 * librdkafka 2.0's mock cluster keeps only the last ~5 MB of a partition, so a mock consume
 * cannot read a large volume from offset 0: it reads the retained window, from the log start to
 * the high watermark, again and again (a new assignment each time) until `count` records.
 */
static struct throughput run_consume_mock_window(const char *topic, long count) {
    /* A fetch parked at the high watermark would hold each new assignment back by
     * fetch.wait.max.ms (500 ms), so this consumer alone does not wait. */
    rd_kafka_t *consumer = new_consumer("mock", "1");
    int64_t low, high;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(consumer, topic, 0, &low, &high, remaining_ms("reading watermarks", 10000));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) die("watermarks of %s-0: %s", topic, rd_kafka_err2str(err));
    if (high <= low) die("the mock partition %s-0 is empty", topic);
    if (getenv("RDKAFKA_LOAD_DEBUG") != NULL) fprintf(stderr, "mock window %" PRId64 "..%" PRId64 "\n", low, high);
    long records = 0, bytes = 0;
    int64_t start = now_us();
    assign(consumer, topic, low);
    while (records < count) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, remaining_ms("consuming", 100));
        if (message == NULL) continue;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            records++;
            bytes += (long)message->len + (long)message->key_len;
            if (message->offset >= high - 1 && records < count) {
                rd_kafka_assign(consumer, NULL);
                assign(consumer, topic, low);
            }
        } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            fprintf(stderr, "rdkafka-load: consume: %s\n", rd_kafka_message_errstr(message));
        }
        rd_kafka_message_destroy(message);
    }
    double seconds = (now_us() - start) / 1e6;
    close_consumer(consumer);
    return (struct throughput){.records = records, .bytes = bytes, .seconds = seconds};
}

struct e2e_producer {
    rd_kafka_t *producer;
    rd_kafka_topic_t *topic;
    struct delivery delivery;
    long rate;
    int64_t duration_us;
    atomic_long sent;
    atomic_int done;
};

static void fill_e2e(unsigned char *payload, uint64_t seq) {
    uint64_t magic = E2E_MAGIC, sent_at = (uint64_t)now_us();
    memcpy(payload, &magic, 8);
    memcpy(payload + 8, &seq, 8);
    memcpy(payload + 16, &sent_at, 8);
}

/** Paced producer: every tick sends the records due by then, so the rate holds on average. */
static void *e2e_produce(void *argument) {
    struct e2e_producer *p = argument;
    unsigned char payload[E2E_SIZE];
    memset(payload, 'e', sizeof payload);
    long total = (long)((double)p->rate * p->duration_us / 1e6);
    int64_t start = now_us();
    long sent = 0;
    while (sent < total) {
        int64_t elapsed = now_us() - start;
        if (elapsed > p->duration_us + 2000000) break; /* fell behind badly: stop, report the count */
        remaining_us("producing at a fixed rate");
        long due = (long)((double)p->rate * elapsed / 1e6);
        if (due > total) due = total;
        for (; sent < due; sent++) {
            fill_e2e(payload, (uint64_t)sent);
            produce_one(p->producer, p->topic, payload, sizeof payload);
            atomic_store(&p->sent, sent + 1);
        }
        rd_kafka_poll(p->producer, 0);
        sleep_us(200);
    }
    flush(p->producer);
    atomic_store(&p->done, 1);
    return NULL;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, long count, double fraction) {
    if (count == 0) return 0;
    long index = (long)(fraction * (double)count);
    if (index >= count) index = count - 1;
    return sorted[index];
}

/** Reads one record's send time; returns 0 for records that are not this run's. */
static int read_e2e(const rd_kafka_message_t *message, uint64_t *seq, int64_t *sent_at) {
    uint64_t magic;
    if (message->len < 24) return 0;
    memcpy(&magic, message->payload, 8);
    if (magic != E2E_MAGIC) return 0;
    memcpy(seq, (const char *)message->payload + 8, 8);
    memcpy(sent_at, (const char *)message->payload + 16, 8);
    return 1;
}

static void run_e2e(const char *bootstrap, const char *topic_name, long rate, long seconds) {
    struct e2e_producer p = {.rate = rate, .duration_us = (int64_t)seconds * 1000000};
    p.producer = new_producer(bootstrap, &p.delivery);
    create_topic(p.producer, topic_name);
    p.topic = rd_kafka_topic_new(p.producer, topic_name, NULL);

    /* Start reading at the current end, so only this run's records are seen. */
    int64_t low, high;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(p.producer, topic_name, 0, &low, &high, remaining_ms("reading the end offset", 10000));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) die("end offset of %s-0: %s", topic_name, rd_kafka_err2str(err));
    rd_kafka_t *consumer = new_consumer(bootstrap, NULL);
    assign(consumer, topic_name, high);

    /* Warm-up: one record through both clients, so connections exist before the clock starts. */
    unsigned char warmup[E2E_SIZE] = {0};
    fill_e2e(warmup, WARMUP_SEQ);
    produce_one(p.producer, p.topic, warmup, sizeof warmup);
    flush(p.producer);
    for (int seen = 0; !seen;) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, remaining_ms("waiting for the warm-up record", 100));
        if (message == NULL) continue;
        uint64_t seq;
        int64_t sent_at;
        seen = message->err == RD_KAFKA_RESP_ERR_NO_ERROR && read_e2e(message, &seq, &sent_at) && seq == WARMUP_SEQ;
        rd_kafka_message_destroy(message);
    }
    atomic_store(&p.delivery.ok, 0);

    long capacity = rate * seconds + 16;
    double *latencies = malloc(sizeof(double) * (size_t)capacity);
    unsigned char *received = calloc((size_t)capacity, 1);
    if (latencies == NULL || received == NULL) die("out of memory");
    pthread_t thread;
    if (pthread_create(&thread, NULL, e2e_produce, &p) != 0) die("pthread_create failed");

    long count = 0, duplicates = 0;
    int64_t drain_deadline = 0;
    for (;;) {
        if (atomic_load(&p.done)) {
            if (count >= atomic_load(&p.delivery.ok)) break;
            if (drain_deadline == 0) drain_deadline = now_us() + 10000000;
            if (now_us() > drain_deadline) break; /* missing records are reported, not waited for */
        }
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, remaining_ms("consuming end to end", 100));
        if (message == NULL) continue;
        int64_t arrived = now_us();
        uint64_t seq;
        int64_t sent_at;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR && read_e2e(message, &seq, &sent_at) && seq != WARMUP_SEQ) {
            if (seq < (uint64_t)capacity && !received[seq]) {
                received[seq] = 1;
                latencies[count++] = (double)(arrived - sent_at) / 1000.0;
            } else {
                duplicates++;
            }
        } else if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR && message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            fprintf(stderr, "rdkafka-load: consume: %s\n", rd_kafka_message_errstr(message));
        }
        rd_kafka_message_destroy(message);
    }
    pthread_join(thread, NULL);
    long sent = atomic_load(&p.sent);
    long failed = atomic_load(&p.delivery.failed);

    qsort(latencies, (size_t)count, sizeof(double), compare_double);
    double sum = 0;
    for (long i = 0; i < count; i++) sum += latencies[i];
    printf("{\"mode\":\"e2e\",\"rate\":%ld,\"seconds\":%ld,\"sent\":%ld,\"failed\":%ld,\"received\":%ld,"
           "\"duplicates\":%ld,\"missing\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
           "\"mean_ms\":%.3f}\n",
           rate, seconds, sent, failed, count, duplicates, sent - count, percentile(latencies, count, 0.5),
           percentile(latencies, count, 0.99), percentile(latencies, count, 0.999),
           count > 0 ? latencies[count - 1] : 0, count > 0 ? sum / (double)count : 0);
    fflush(stdout);

    free(latencies);
    free(received);
    close_consumer(consumer);
    rd_kafka_topic_destroy(p.topic);
    rd_kafka_destroy(p.producer);
}

static void usage(void) {
    fprintf(stderr,
            "usage: rdkafka-load metadata <bootstrap> [limit_s]\n"
            "       rdkafka-load produce <bootstrap|mock> <topic> <count> <size> [limit_s]\n"
            "       rdkafka-load consume <bootstrap> <topic> <count> [limit_s]\n"
            "       rdkafka-load e2e <bootstrap|mock> <topic> <rate> <seconds> [limit_s]\n"
            "       rdkafka-load mock <topic> <count> <size> [limit_s]\n");
    exit(2);
}

/** argv[required] is the optional time limit. */
static void read_limit(int argc, char **argv, int required) {
    if (argc < required) usage();
    if (argc > required + 1) usage();
    if (argc == required + 1) time_limit_s = (double)parse_long(argv[required], "limit_s");
}

int main(int argc, char **argv) {
    started_us = now_us();
    if (argc < 2) usage();
    const char *mode = argv[1];
    if (strcmp(mode, "metadata") == 0) {
        read_limit(argc, argv, 3);
        struct delivery delivery = {0};
        rd_kafka_t *producer = new_producer(argv[2], &delivery);
        int brokers = wait_for_metadata(producer);
        printf("{\"mode\":\"metadata\",\"brokers\":%d,\"seconds\":%.6f}\n", brokers, (now_us() - started_us) / 1e6);
        rd_kafka_destroy(producer);
    } else if (strcmp(mode, "produce") == 0) {
        read_limit(argc, argv, 6);
        print_throughput("produce", run_produce(argv[2], argv[3], parse_long(argv[4], "count"), parse_long(argv[5], "size")));
    } else if (strcmp(mode, "consume") == 0) {
        read_limit(argc, argv, 5);
        if (strcmp(argv[2], "mock") == 0) die("consume from a mock cluster only makes sense after producing to it: use the mock mode");
        print_throughput("consume", run_consume(argv[2], argv[3], parse_long(argv[4], "count")));
    } else if (strcmp(mode, "e2e") == 0) {
        read_limit(argc, argv, 6);
        run_e2e(argv[2], argv[3], parse_long(argv[4], "rate"), parse_long(argv[5], "seconds"));
    } else if (strcmp(mode, "mock") == 0) {
        read_limit(argc, argv, 5);
        long count = parse_long(argv[3], "count");
        struct throughput produced = run_produce("mock", argv[2], count, parse_long(argv[4], "size"));
        print_throughput("mock_produce", produced);
        struct throughput consumed = run_consume_mock_window(argv[2], produced.records);
        print_throughput("mock_consume", consumed);
    } else {
        usage();
    }
    if (mock_owner != NULL) rd_kafka_destroy(mock_owner);
    return 0;
}
