/**
 * JMH benchmarks of the relay data path (docs/performance.md). Built by {@code mvn verify}, never run by it:
 * {@code java -cp "alknet-bench/target/alknet-bench.jar:alknet-bench/target/lib/*" org.openjdk.jmh.Main -f 1 Relay}.
 */
package dev.alknet.bench;
