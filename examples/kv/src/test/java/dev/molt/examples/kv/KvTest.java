package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.ApplicationController;
import dev.molt.behaviour.Restart;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvTest {
  private final List<String> halts = new ArrayList<>();
  private ApplicationController controller;

  @BeforeEach
  void startKv() {
    controller = ApplicationController.start(halts::add);
    controller.load(KvApplication.spec());
    controller.ensureAllStarted("kv", Restart.TEMPORARY);
  }

  @AfterEach
  void stopKv() {
    if (controller.isRunning("kv")) {
      controller.stop("kv");
    }
  }

  @Test
  void theTalksIexSessionWorks() {
    assertThat(KV.get("a")).isNull();
    assertThat(KV.put("a", 42)).isEqualTo("ok");
    assertThat(KV.get("a")).isEqualTo(42);
    assertThat(KV.get("missing", "default")).isEqualTo("default");
  }

  @Test
  void theSupervisorRestartsAKilledServerUnderItsName() {
    Pid first = Process.whereis(KV.NAME).orElseThrow();
    KV.put("a", 42);
    Process.exit(first, ExitReason.kill());
    await().until(() -> Process.whereis(KV.NAME).filter(pid -> pid != first).isPresent());
    assertThat(KV.get("a")).isNull();
    assertThat(halts).isEmpty();
  }

  @Test
  void stoppingTheApplicationStopsTheServer() {
    Pid kv = Process.whereis(KV.NAME).orElseThrow();
    controller.stop("kv");
    assertThat(kv.isAlive()).isFalse();
    assertThat(Process.whereis("kv_sup")).isEmpty();
  }
}
