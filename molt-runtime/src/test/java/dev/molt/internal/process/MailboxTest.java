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

  /**
   * The slot that a message to an empty mailbox goes in is read before the queue, so a sender must
   * use it only while the queue is empty: otherwise its later message would overtake an earlier
   * one. Six senders race a consumer that takes at varying speed, sometimes selectively.
   */
  @Test
  void messagesOfOneSenderArriveInTheOrderItSentThemWhateverTheOthersDo() throws Exception {
    int senders = 6;
    int each = 20_000;
    CompletableFuture<String> verdict = new CompletableFuture<>();
    Pid consumer =
        Process.spawn(
            () -> {
              Mailbox mailbox = ProcessCell.current().mailbox;
              int[] next = new int[senders];
              java.util.Random random = new java.util.Random(16);
              for (int taken = 0; taken < senders * each; taken++) {
                Object message;
                if (random.nextInt(50) == 0) {
                  int wanted = random.nextInt(senders);
                  if (next[wanted] == each) {
                    taken--;
                    continue;
                  }
                  // the next of one sender, whatever the others sent before it
                  message = mailbox.take(m -> ((int[]) m)[0] == wanted, 10_000_000_000L);
                } else {
                  message = mailbox.take(10_000_000_000L);
                }
                if (message == null) {
                  verdict.complete("no message within 10 s after " + taken);
                  return;
                }
                int[] m = (int[]) message;
                if (m[1] != next[m[0]]) {
                  verdict.complete(
                      "sender " + m[0] + ": got " + m[1] + " when " + next[m[0]] + " was next");
                  return;
                }
                next[m[0]]++;
                for (int i = random.nextInt(4) == 0 ? random.nextInt(200) : 0; i > 0; i--) {
                  Thread.onSpinWait(); // a slow message now and then lets the queue fill
                }
              }
              verdict.complete("in order");
            });
    Mailbox mailbox = ProcessCell.of(consumer).mailbox;
    for (int s = 0; s < senders; s++) {
      int sender = s;
      Process.spawn(
          () -> {
            for (int i = 0; i < each; i++) {
              mailbox.put(new int[] {sender, i});
              if (i % 64 == sender) {
                Thread.yield();
              }
            }
          });
    }
    assertThat(verdict.get(60, TimeUnit.SECONDS)).isEqualTo("in order");
  }

  /**
   * A receiver that polls an empty mailbox reads the slot, then the queue: a sender can fill the
   * slot and queue its next message behind it in between. Found by an outside fuzz: with a receiver
   * polling {@code receive(Duration.ZERO)}, 1 came before 0 in about one round in eight.
   */
  @Test
  void aReceiverPollingAnEmptyMailboxGetsOneSendersMessagesInOrder() throws Exception {
    int rounds = 3_000;
    List<String> swapped = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int round = 0; round < rounds; round++) {
      CompletableFuture<List<Object>> got = new CompletableFuture<>();
      Pid receiver =
          Process.spawn(
              () -> {
                List<Object> messages = new java.util.ArrayList<>();
                while (messages.size() < 10) {
                  Process.receive(java.time.Duration.ZERO).ifPresent(messages::add);
                }
                got.complete(messages);
              });
      Process.spawn(
          () -> {
            for (int i = 0; i < 10; i++) {
              Process.send(receiver, i);
            }
          });
      List<Object> messages = got.get(10, TimeUnit.SECONDS);
      if (!messages.equals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))) {
        swapped.add("round " + round + ": " + messages);
      }
    }
    assertThat(swapped).isEmpty();
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
