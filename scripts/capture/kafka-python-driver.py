# Capture driver for kafka-python 2.0.2 (Debian python3-kafka, with python3-snappy, python3-lz4 and
# python3-zstandard). Reads a JSON spec on stdin (see scripts/capture/drivers/python-driver.ts),
# produces one batch per codec with its own KafkaProducer (one flush each), reads everything back
# with an assigned consumer (seek_to_beginning, end_offsets), then with a group consumer that
# commits. Prints {"consumed": [...], "notes": [...]} on stdout (the assigned consumer's values).
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def produce(spec, batch):
    producer = KafkaProducer(
        bootstrap_servers=spec['bootstrap'],
        client_id=batch['clientId'],
        compression_type=None if batch['codec'] == 'none' else batch['codec'],
        acks='all',
        linger_ms=100,
        request_timeout_ms=10000,
        max_block_ms=10000,
    )
    futures = [
        producer.send(
            spec['topic'],
            partition=0,
            key=record['key'].encode(),
            value=record['value'].encode(),
            headers=[(name, value.encode()) for name, value in record['headers']],
        )
        for record in batch['records']
    ]
    producer.flush(timeout=15)
    for future in futures:
        future.get(timeout=1)
    producer.close(timeout=5)


def poll_values(consumer, expected_count, seconds):
    values = []
    deadline = time.monotonic() + seconds
    while len(values) < expected_count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=200).values():
            values.extend(record.value.decode() for record in records)
    return values


def consume_assigned(spec, expected_count):
    consumer = KafkaConsumer(
        bootstrap_servers=spec['bootstrap'],
        client_id=f"golden-{spec['client']}-assigned",
        group_id=None,
        enable_auto_commit=False,
        fetch_max_wait_ms=200,
        request_timeout_ms=10000,
    )
    partition = TopicPartition(spec['topic'], 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    values = poll_values(consumer, expected_count, 20)
    end = consumer.end_offsets([partition])
    consumer.close()
    return values, end[partition]


def consume_group(spec, expected_count):
    consumer = KafkaConsumer(
        spec['topic'],
        bootstrap_servers=spec['bootstrap'],
        client_id=f"golden-{spec['client']}-consumer",
        group_id=spec['groupId'],
        auto_offset_reset='earliest',
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=300,
        fetch_max_wait_ms=200,
        request_timeout_ms=10000,
    )
    values = poll_values(consumer, expected_count, 20)
    if values:
        consumer.commit()
    # Keep polling briefly so that a Heartbeat goes out before LeaveGroup.
    linger_until = time.monotonic() + 1.0
    while time.monotonic() < linger_until:
        consumer.poll(timeout_ms=100)
    consumer.close(autocommit=False)
    return values


def main():
    spec = json.load(sys.stdin)
    for batch in spec['batches']:
        produce(spec, batch)
    expected_count = sum(len(batch['records']) for batch in spec['batches'])
    notes = []
    consumed, end_offset = consume_assigned(spec, expected_count)
    if end_offset != expected_count:
        notes.append(f'end_offsets gave {end_offset}, expected {expected_count}')
    grouped = consume_group(spec, expected_count)
    if sorted(grouped) != sorted(consumed):
        notes.append(f'group consumer read {len(grouped)} records, assigned consumer {len(consumed)}')
    print(json.dumps({'consumed': consumed, 'notes': notes}))


main()
