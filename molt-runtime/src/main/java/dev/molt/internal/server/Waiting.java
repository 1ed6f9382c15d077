package dev.molt.internal.server;

import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Stop;
import dev.molt.code.MigrationException;
import dev.molt.internal.migration.LoaderClasses;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.process.Mailbox;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Timer;
import dev.molt.internal.process.Timers;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * What waits for a server while its code changes — the messages in its mailbox and the timers that
 * will reach it — migrated to the new version as part of the change, so that none of them brings
 * old classes to the new code later.
 *
 * <p>Everything is computed first and applied only when the whole change has succeeded: a message
 * that cannot be migrated, and that the new callbacks' {@code handleUnmigratable} does not take,
 * fails the change and leaves the mailbox as it was. {@link #undo} puts the old messages back when
 * the change is reverted before the process resumes; a message the callback took is not given back.
 */
final class Waiting<S> {
  private final ModuleClasses target;
  private final GenServer<S> callbacks;
  private S state;

  /** Waiting message to its replacement; null drops it. */
  private final IdentityHashMap<Object, Object> messages = new IdentityHashMap<>();

  private final List<Call> calls = new ArrayList<>();
  private final List<Object> oldRequests = new ArrayList<>();
  private final List<Object> newRequests = new ArrayList<>();
  private final List<ModuleClasses> newReplyTo = new ArrayList<>();
  private final List<Call> unanswered = new ArrayList<>();
  private final List<Timer> timers = new ArrayList<>();
  private final List<Object> oldTimerMessages = new ArrayList<>();
  private final List<Object> newTimerMessages = new ArrayList<>();
  private final List<Timer> cancelled = new ArrayList<>();

  private Waiting(ModuleClasses target, GenServer<S> callbacks, S state) {
    this.target = target;
    this.callbacks = callbacks;
    this.state = state;
  }

  /**
   * The migration of everything waiting for {@code self}, to be {@link #apply applied} once the
   * change succeeds; null when nothing waits (an idle server, the common case in an install of
   * many: it allocates nothing). Throws the {@link MigrationException} of a message that cannot be
   * migrated and that {@code callbacks} (the new version's) did not take.
   */
  static <S> Waiting<S> migrate(
      ProcessCell self, ModuleClasses target, GenServer<S> callbacks, S state) throws Exception {
    Object[] messages = self.mailbox.waiting();
    List<Timer> timers = Timers.pendingFor(self);
    if (messages.length == 0 && timers.isEmpty()) {
      return null;
    }
    Waiting<S> waiting = new Waiting<>(target, callbacks, state);
    for (Object message : messages) {
      waiting.message(message);
    }
    for (Timer timer : timers) {
      waiting.timer(timer);
    }
    return waiting;
  }

  /** The state after {@code handleUnmigratable} took what it took. */
  S state() {
    return state;
  }

  private void message(Object message) throws Exception {
    switch (message) {
      case Call call when call.request instanceof SysRequest -> {}
      case Call call -> {
        Object request = call.request;
        if (request == null || !Migrator.mayHoldForeign(request.getClass(), target)) {
          return;
        }
        try {
          Object migrated = Migrator.to(target, request, "a waiting call's request");
          calls.add(call);
          oldRequests.add(request);
          newRequests.add(migrated);
          newReplyTo.add(call.replyTo != null ? call.replyTo : origin(request, target));
        } catch (MigrationException e) {
          unmigratable(request, call, e);
          messages.put(call, null);
          unanswered.add(call);
        }
      }
      case GenServerLoop.Cast cast -> {
        Object request = cast.request();
        if (request == null || !Migrator.mayHoldForeign(request.getClass(), target)) {
          return;
        }
        try {
          messages.put(
              cast,
              new GenServerLoop.Cast(Migrator.to(target, request, "a waiting cast's request")));
        } catch (MigrationException e) {
          unmigratable(request, null, e);
          messages.put(cast, null);
        }
      }
      default -> {
        if (!Migrator.mayHoldForeign(message.getClass(), target)) {
          return;
        }
        try {
          messages.put(message, Migrator.to(target, message, "a waiting message"));
        } catch (MigrationException e) {
          unmigratable(message, null, e);
          messages.put(message, null);
        }
      }
    }
  }

  private void timer(Timer timer) throws Exception {
    Object message = timer.message;
    if (message == null || !Migrator.mayHoldForeign(message.getClass(), target)) {
      return;
    }
    try {
      Object migrated = Migrator.to(target, message, "a timer's message");
      timers.add(timer);
      oldTimerMessages.add(message);
      newTimerMessages.add(migrated);
    } catch (MigrationException e) {
      unmigratable(message, null, e);
      cancelled.add(timer);
    }
  }

  /**
   * Offers a message that cannot be migrated to the new callbacks; throws if they do not take it.
   */
  private void unmigratable(Object message, Call call, MigrationException reason) throws Exception {
    CastResult<S> result = callbacks.handleUnmigratable(message, call, reason, state);
    switch (result) {
      case NoReply<S>(S next) -> state = next;
      case NoReply.Then<S>(S next, var ignored) -> state = next;
      case Stop<S> stop ->
          throw new IllegalStateException(
              "handleUnmigratable asked to stop ("
                  + stop.reason()
                  + ") during a code change; the change is refused instead");
      case null ->
          throw new IllegalStateException(
              callbacks.getClass().getName()
                  + ".handleUnmigratable returned null; return NoReply or Stop");
    }
  }

  /** Puts the migrated messages, requests and timer messages in place. Owner only. */
  void apply(Mailbox mailbox) {
    for (int i = 0; i < calls.size(); i++) {
      calls.get(i).request = newRequests.get(i);
      calls.get(i).replyTo = newReplyTo.get(i);
    }
    mailbox.replaceWaiting(messages);
    for (int i = 0; i < timers.size(); i++) {
      timers.get(i).message = newTimerMessages.get(i);
    }
    for (Timer timer : cancelled) {
      Timers.cancel(timer);
    }
    for (Call call : unanswered) {
      call.complete(
          new Call.Failed(new MigrationException("request", "dropped by handleUnmigratable")));
    }
  }

  /** Puts the old messages back, but for those the callbacks took. Owner only. */
  void undo(Mailbox mailbox) {
    IdentityHashMap<Object, Object> back = new IdentityHashMap<>();
    messages.forEach(
        (old, replacement) -> {
          if (replacement != null) {
            back.put(replacement, old);
          }
        });
    mailbox.replaceWaiting(back);
    for (int i = 0; i < calls.size(); i++) {
      calls.get(i).request = oldRequests.get(i);
      calls.get(i).replyTo = null;
    }
    for (int i = 0; i < timers.size(); i++) {
      timers.get(i).message = oldTimerMessages.get(i);
    }
  }

  /**
   * The classes a request was built with, for its reply: a version of the module, or its copy
   * elsewhere.
   */
  static ModuleClasses origin(Object request, ModuleClasses server) {
    ClassLoader loader = request.getClass().getClassLoader();
    if (loader == null) {
      return null; // a JDK container: the caller's classes were read off its stack, if needed
    }
    return loader instanceof ModuleClasses version
        ? version
        : LoaderClasses.of(server.module(), loader);
  }
}
