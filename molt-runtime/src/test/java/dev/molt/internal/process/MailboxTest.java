package dev.molt.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.Counter;
import dev.molt.behaviour.GenServer;
import dev.molt.sys.Sys;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MailboxTest {
  @Test
  void aSelectiveWaitIsWokenOnlyByWhatItWaitsFor() throws Exception {
    CompletableFuture<List<Object>> taken = new CompletableFuture<>();
    Pid pid =
        Process.spawn(
            () -> {
              Mailbox mailbox = ProcessCell.current().mailbox;
              Object first = mailbox.takeOnly("go"::equals);
              boolean stillSelective = mailbox.selective();
              taken.complete(
                  List.of(
                      first,
                      stillSelective,
                      mailbox.take(Long.MAX_VALUE),
                      mailbox.take(Long.MAX_VALUE)));
            });
    Mailbox mailbox = ProcessCell.of(pid).mailbox;
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                mailbox.selective()
                    && ProcessCell.of(pid).thread != null
                    && ProcessCell.of(pid).thread.getState() == Thread.State.WAITING);

    assertThat(mailbox.put("a")).as("a message the wait does not accept wakes nothing").isFalse();
    assertThat(mailbox.put("b")).isFalse();
    assertThat(mailbox.put("go")).as("the one it waits for wakes it").isTrue();

    assertThat(taken.get(5, TimeUnit.SECONDS)).containsExactly("go", false, "a", "b");
  }

  @Test
  void aSuspendedServerKeepsTheCallsThatReachItAndAnswersThemInOrderAfterResume() throws Exception {
    Pid server = GenServer.start(new Counter(), 0);
    Sys.suspend(server);
    List<CompletableFuture<Object>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Object> reply = new CompletableFuture<>();
      replies.add(reply);
      Process.spawn(() -> reply.complete(GenServer.call(server, "incr")));
      int sent = i + 1;
      await().atMost(5, TimeUnit.SECONDS).until(() -> Process.mailboxSize(server) == sent);
    }
    assertThat(Sys.getState(server))
        .as("a suspended server answers system messages only")
        .isEqualTo(0);
    assertThat(replies).noneMatch(CompletableFuture::isDone);
    Sys.resume(server);
    assertThat(replies.get(2).get(5, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(List.of(replies.get(0).get(), replies.get(1).get())).containsExactly(1, 2);
    GenServer.stop(server);
  }

  @Test
  void onlyAWaitBetweenMessagesCanBeHeldAndAnOrdinaryReceiveAfterOneCannot() throws Exception {
    CompletableFuture<Object> between = new CompletableFuture<>();
    CompletableFuture<Object> first = new CompletableFuture<>();
    CompletableFuture<Object> inside = new CompletableFuture<>();
    Pid pid =
        Process.spawn(
            () -> {
              Mailbox mailbox = ProcessCell.current().mailbox;
              between.complete(mailbox.takeBetweenMessages(null));
              first.complete(mailbox.take(Long.MAX_VALUE));
              // a receive inside the handling of a message, as a handleCall's own receive is
              inside.complete(mailbox.take(Long.MAX_VALUE));
            });
    ProcessCell cell = ProcessCell.of(pid);
    Mailbox mailbox = cell.mailbox;
    await().atMost(5, TimeUnit.SECONDS).until(mailbox::idle);
    assertThat(mailbox.tryHold()).as("parked between messages").isTrue();
    mailbox.release(null);
    mailbox.put("x");
    assertThat(between.get(5, TimeUnit.SECONDS))
        .as("the wake-up after a hold looks again")
        .isSameAs(Mailbox.RECHECK);
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("x");

    await().atMost(5, TimeUnit.SECONDS).until(() -> cell.thread.getState() == Thread.State.WAITING);
    assertThat(mailbox.idle()).as("parked in an ordinary receive").isFalse();
    assertThat(mailbox.tryHold()).isFalse();
    mailbox.put("m");
    assertThat(inside.get(5, TimeUnit.SECONDS)).isEqualTo("m");
  }
}
