package dev.molt.internal.server;

import dev.molt.code.CodeChangeFailure;
import dev.molt.internal.process.ProcessCell;
import dev.molt.sys.Statistics;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the generic loop keeps for {@code Sys}: suspension, counters, trace and the event log. */
final class SystemState {
  private static final Logger LOG = LoggerFactory.getLogger(SystemState.class);

  final Instant startedAt = Instant.now();
  boolean suspended;
  boolean trace;
  long messages;
  int codeChanges;
  int failedCodeChanges;
  CodeChangeFailure lastFailure;
  private int keep;
  private ArrayDeque<String> events;

  boolean observed() {
    return trace || keep > 0;
  }

  void event(String event) {
    if (trace) {
      LOG.info("*DBG* {} {}", ProcessCell.me("a trace").pid, event);
    }
    if (keep > 0) {
      if (events.size() == keep) {
        events.pollFirst();
      }
      events.addLast(event);
    }
  }

  void keep(int n) {
    keep = n;
    events = n == 0 ? null : new ArrayDeque<>(n);
  }

  List<String> log() {
    return events == null ? List.of() : List.copyOf(events);
  }

  Statistics statistics() {
    return new Statistics(startedAt, messages, codeChanges, failedCodeChanges);
  }
}
