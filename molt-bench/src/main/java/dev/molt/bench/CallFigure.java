package dev.molt.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link CallBenchmark} for one client count and prints {@code VALUE <median calls/s>}: the
 * median over every measured iteration of every fork, which bench/run.sh compares with Erlang's.
 */
public final class CallFigure {
  private CallFigure() {}

  public static void main(String[] args) throws RunnerException {
    String clients = args.length > 0 ? args[0] : "1";
    Options options =
        new OptionsBuilder()
            .include(CallBenchmark.class.getName())
            .param("clients", clients)
            .verbosity(VerboseMode.SILENT)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    RunResult result = results.iterator().next();
    double median = result.getPrimaryResult().getStatistics().getPercentile(50.0);
    System.out.printf("VALUE %.1f%n", median);
  }
}
