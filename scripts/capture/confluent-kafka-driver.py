# Capture driver for confluent-kafka-python (Debian python3-confluent-kafka 1.7.0, librdkafka 2.0.2).
# Reads a JSON spec on stdin (see scripts/capture/drivers/python-driver.ts), produces one batch per
# codec with its own Producer (compression.type is a producer setting), then consumes everything
# with a group consumer and commits. Prints {"consumed": [...], "notes": [...]} on stdout.
import json
import sys
import time

from confluent_kafka import Consumer, Producer


def produce(spec, batch):
    failures = []

    def on_delivery(error, message):
        if error is not None:
            failures.append(str(error))

    producer = Producer({
        'bootstrap.servers': spec['bootstrap'],
        'client.id': batch['clientId'],
        'compression.type': batch['codec'],
        'linger.ms': 100,
        'socket.timeout.ms': 5000,
        'message.timeout.ms': 10000,
    })
    for record in batch['records']:
        producer.produce(
            spec['topic'],
            partition=0,
            key=record['key'].encode(),
            value=record['value'].encode(),
            headers=[(name, value.encode()) for name, value in record['headers']],
            on_delivery=on_delivery,
        )
    if producer.flush(15) != 0 or failures:
        raise SystemExit(f"{batch['codec']}: delivery failed {failures}")


def consume(spec, expected_count):
    consumer = Consumer({
        'bootstrap.servers': spec['bootstrap'],
        'client.id': f"golden-{spec['client']}-consumer",
        'group.id': spec['groupId'],
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 300,
        'fetch.wait.max.ms': 200,
        'socket.timeout.ms': 5000,
    })
    consumed, notes = [], []
    consumer.subscribe([spec['topic']])
    deadline = time.monotonic() + 20
    while len(consumed) < expected_count and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            notes.append(str(message.error()))
            continue
        consumed.append(message.value().decode())
    if consumed:
        consumer.commit(asynchronous=False)
    # Keep polling briefly so that a Heartbeat goes out before LeaveGroup.
    linger_until = time.monotonic() + 1.0
    while time.monotonic() < linger_until:
        consumer.poll(0.1)
    consumer.close()
    return consumed, notes


def main():
    spec = json.load(sys.stdin)
    for batch in spec['batches']:
        produce(spec, batch)
    expected_count = sum(len(batch['records']) for batch in spec['batches'])
    consumed, notes = consume(spec, expected_count)
    print(json.dumps({'consumed': consumed, 'notes': notes}))


main()
