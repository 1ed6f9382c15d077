package dev.molt.internal.server;

import dev.molt.DetachedException;
import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.ProcessBody;
import dev.molt.ProcessExit;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.IdleTimeout;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.Next;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.behaviour.StartException;
import dev.molt.behaviour.Stop;
import dev.molt.code.CodeChangeFailure;
import dev.molt.code.CodeException;
import dev.molt.code.MigrationException;
import dev.molt.internal.code.ModuleClassLoader;
import dev.molt.internal.code.ModuleTable;
import dev.molt.internal.code.ModuleVersion;
import dev.molt.internal.code.Overrides;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.migration.Reachable;
import dev.molt.internal.process.Guard;
import dev.molt.internal.process.Mailbox;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Registry;
import dev.molt.sys.ProcessStatus;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic loop behind {@link GenServer}: takes a message, dispatches it to the callbacks
 * through the guard, and keeps the returned state. Calls arrive as their {@link Call}, casts as
 * {@link Cast}, everything else is info.
 *
 * <p>This is the hot path of every call; it allocates nothing per message beyond what the callbacks
 * do.
 */
public final class GenServerLoop<S> implements ProcessBody, ProcessCell.Runs {
  private static final ModuleTable TABLE = ModuleTable.node();
  private static final Logger LOG = LoggerFactory.getLogger(GenServerLoop.class);

  public record Cast(Object request) {}

  /** Asks the loop to stop with {@code reason}; the stopper watches for the end. */
  public record StopRequest(ExitReason reason) {}

  private GenServer<S> callbacks;
  private Object arg;
  private final String name;
  private final Call starter;
  private final Pid parent;
  private S state;

  /** The module version the callbacks come from, or null when they are not module code. */
  /**
   * The version the process runs; what its cell's {@code runs} stands for (read by callers to map
   * replies), so written here alone when the code changes.
   */
  private volatile ModuleVersion version;

  /**
   * The thread running a system request for this process (its own, or a worker's while it is held),
   * null when none runs: what an upgrade interrupts when a code change does not come back. Kept
   * here, not in the cell: a code change writes this object anyway.
   */
  private volatile Thread systemRunner;

  /** The version a lazy switch last failed to reach; not tried again until a newer one. */
  private ModuleVersion failedTarget;

  /** Set by the first code change of a suspension, so that it can be reverted until resume. */
  private Undo undo;

  /**
   * The install's suspension this server is suspended as one of, until it sees it lifted; kept
   * here, not in {@link #system}: a code change writes this object anyway, and one more store in it
   * costs the GC no new card.
   */
  private Suspension batch;

  /** Where {@link #batch} keeps this server's undo (it was held for its code change), or -1. */
  private int batchIndex = -1;

  /** The index of this server in the batch of the worker that holds it now, or -1. */
  private int heldIndex = -1;

  /** Whether it is queued to be woken by the lift of {@link #batch}. */
  private boolean waitsForLift;

  private ProcessCell self;
  private final SystemState system = new SystemState();

  /** What the last callback asked to do before the next message; null: nothing. */
  private Next next;

  /** {@link GenServer#hibernateAfter} of the callbacks, in nanoseconds; 0: never. */
  private long hibernateAfterNanos;

  /** Whether the server hibernates ({@link Next.Hibernate}) until its next ordinary message. */
  private volatile boolean hibernating;

  /** How many times it went into hibernation (staying in it after a system request is not one). */
  private volatile int hibernations;

  private static final Next HIBERNATE = Next.hibernate();

  /** A server the calling process becomes ({@code GenServer.enterLoop}): no init, no starter. */
  GenServerLoop(GenServer<S> callbacks, S state, Next next) {
    this(callbacks, null, null, null, ProcessCell.me("GenServer.enterLoop").pid);
    this.state = state;
    this.next = next;
  }

  /** Runs the loop of an entered server in the calling process; ends only by its stop. */
  void enter() {
    self = ProcessCell.current();
    self.behaviour = this;
    version = TABLE.versionOf(codeOwner().getClass());
    if (version != null) {
      TABLE.enter(self, version, this);
    }
    loop(self.mailbox);
  }

  GenServerLoop(GenServer<S> callbacks, Object arg, String name, Call starter, Pid parent) {
    this.callbacks = callbacks;
    this.arg = arg;
    this.name = name;
    this.starter = starter;
    this.parent = parent;
  }

  @Override
  public void run() {
    self = ProcessCell.current();
    self.behaviour = this;
    version = TABLE.versionOf(codeOwner().getClass());
    if (version != null) {
      TABLE.enter(self, version, this);
    }
    if (name != null) {
      try {
        Registry.register(name, self);
      } catch (IllegalStateException taken) {
        ProcessCell holder = Registry.whereis(name);
        starter.complete(
            new StartException(
                taken.getMessage(),
                holder == null
                    ? ExitReason.of("already_started")
                    : ExitReason.of(java.util.List.of("already_started", holder.pid)),
                holder == null ? null : holder.pid));
        return;
      }
    }
    if (init()) {
      loop(self.mailbox);
    }
  }

  /**
   * Runs {@code init} and acks the starter; false if the server is not to run. A method of its own
   * so that nothing of the first version (its Init, its argument) stays on the stack of a server
   * that later moves to newer code: it would keep the old class loader reachable.
   */
  private boolean init() {
    Init<S> init;
    try {
      init = callbacks.init(arg);
    } catch (Throwable t) {
      throw Guard.exitFor(t);
    }
    arg = null;
    switch (init) {
      case Init.Ok<S> ok -> {
        state = ok.state();
        next = ok.next();
        starter.complete(self.pid);
        return true;
      }
      case Init.Ignore<S> ignore -> {
        if (name != null) {
          // as OTP's gen_server: the name is free before the starter hears "ignore"
          Registry.release(name, self);
        }
        starter.complete(Init.Ignore.class);
        return false;
      }
      case Init.Fail<S> fail -> throw new ProcessExit(fail.reason());
      case null ->
          throw Guard.exitFor(
              new IllegalStateException(
                  callbacks.getClass().getName()
                      + ".init returned null; return Init.ok(state), Init.ignore() or Init.fail(reason)"));
    }
  }

  private void loop(Mailbox mailbox) {
    self.server = this;
    hibernateAfterNanos = hibernateAfterNanos(callbacks);
    while (true) {
      // the message path stays as small as before Next: what a callback asked for is done apart
      Object message =
          next == null && hibernateAfterNanos == 0
              ? mailbox.takeBetweenMessages(system.suspended ? whileSuspended() : null)
              : afterCallback(mailbox);
      if (message == Mailbox.RECHECK || message == CONTINUED) {
        continue;
      }
      if (message instanceof Call call && call.request instanceof SysRequest request) {
        handleSystem(call, request);
        continue;
      }
      if (message instanceof Exit exit && exit.from() == parent) {
        stop(exit.reason());
      } else if (message instanceof StopRequest stop) {
        stop(stop.reason());
      }
      if (version != null) {
        if (version.superseded() && version.current() != failedTarget) {
          switchCode(version.current(), null, false);
        }
        message = adapt(message);
        if (message == SKIP) {
          continue;
        }
      }
      system.messages++;
      if (system.observed()) {
        system.event("in " + message);
      }
      if (message instanceof Call call) {
        handleCall(call);
      } else if (message instanceof Cast cast) {
        handleCast(cast.request());
      } else {
        handleInfo(message);
      }
      if (system.observed()) {
        system.event("state " + state);
      }
    }
  }

  /** Returned by {@link #afterCallback} when it ran {@code handleContinue}: look again. */
  private static final Object CONTINUED = new Object();

  /**
   * Does what the last callback asked for ({@link #next}) and returns the next message, {@link
   * Mailbox#RECHECK}, or {@link #CONTINUED}. A timeout that a system request or a hold interrupted
   * is kept for the wait after it.
   */
  private Object afterCallback(Mailbox mailbox) {
    Next pending = next;
    next = null;
    switch (pending) {
      case null -> {
        if (!hibernating && !suspended()) {
          Object message = mailbox.takeBetweenMessages(hibernateAfterNanos);
          if (message != null) {
            return message;
          }
          hibernate(mailbox);
        }
      }
      case Next.Continue(Object continueArg) -> {
        handleContinue(continueArg);
        return CONTINUED;
      }
      case Next.Timeout timeout when !suspended() -> {
        Object message = mailbox.takeBetweenMessages(timeout.after().toNanos());
        if (message == null) {
          return new IdleTimeout(timeout.after());
        }
        if (message == Mailbox.RECHECK || isSystemRequest(message)) {
          next = pending; // wait again after it, timeout and all
        }
        return message;
      }
      case Next.Hibernate hibernate -> hibernate(mailbox);
      default -> {}
    }
    Object message = mailbox.takeBetweenMessages(system.suspended ? whileSuspended() : null);
    if (hibernating) {
      if (message == Mailbox.RECHECK || isSystemRequest(message)) {
        next = HIBERNATE; // as OTP's: a system request leaves the server hibernating
      } else {
        hibernating = false;
      }
    }
    return message;
  }

  private void hibernate(Mailbox mailbox) {
    self.spinBudget = 0;
    mailbox.trim();
    if (!hibernating) {
      hibernations++; // only this process writes it
      hibernating = true;
    }
  }

  /** Whether the server hibernates: after {@link Next.Hibernate} or its {@code hibernateAfter}. */
  public boolean hibernating() {
    return hibernating;
  }

  /** How many times the server went into hibernation. */
  public int hibernations() {
    return hibernations;
  }

  /**
   * The callbacks' {@link GenServer#hibernateAfter} in nanoseconds, 0 for never. A value it cannot
   * give (an exception, a negative duration) is logged and means never: a server is not stopped
   * over a memory setting.
   */
  private static long hibernateAfterNanos(GenServer<?> callbacks) {
    java.time.Duration after;
    try {
      after = callbacks.hibernateAfter();
    } catch (RuntimeException e) {
      LOG.warn("{}.hibernateAfter() failed; it will not hibernate", callbacks.getClass(), e);
      return 0;
    }
    if (after == null) {
      return 0;
    }
    if (after.isNegative()) {
      LOG.warn(
          "{}.hibernateAfter() is negative ({}); it will not hibernate",
          callbacks.getClass(),
          after);
      return 0;
    }
    return Math.max(1, after.toNanos());
  }

  private static boolean isSystemRequest(Object message) {
    return message instanceof Call call && call.request instanceof SysRequest;
  }

  private final Predicate<Object> systemMessage = this::isSystemMessage;

  private boolean isSystemMessage(Object message) {
    return (message instanceof Call call && call.request instanceof SysRequest)
        || (message instanceof Exit exit && exit.from() == parent)
        || message instanceof StopRequest;
  }

  /**
   * A message built from another version of this module's classes, mapped to the ones that run now;
   * a call's reply will go back in the caller's classes. A message that cannot be mapped goes to
   * {@code handleUnmigratable}, or is dropped with a warning: {@link #SKIP}.
   */
  private Object adapt(Object message) {
    ModuleClassLoader loader = version.loader;
    if (message instanceof Call call) {
      Object request = call.request;
      if (request != null && Migrator.mayHoldForeign(request.getClass(), loader)) {
        try {
          call.request = Migrator.to(loader, request, "request");
          if (call.replyTo == null) {
            call.replyTo = Waiting.origin(request, loader);
          }
        } catch (MigrationException e) {
          return unmigratable(request, call, e);
        }
      }
      return call;
    }
    if (message instanceof Cast cast) {
      Object request = cast.request();
      if (request == null || !Migrator.mayHoldForeign(request.getClass(), loader)) {
        return cast;
      }
      try {
        return new Cast(Migrator.to(loader, request, "request"));
      } catch (MigrationException e) {
        return unmigratable(request, null, e);
      }
    }
    if (!Migrator.mayHoldForeign(message.getClass(), loader)) {
      return message;
    }
    try {
      return Migrator.to(loader, message, "message");
    } catch (MigrationException e) {
      return unmigratable(message, null, e);
    }
  }

  /** Marks a message the loop goes past: taken by {@code handleUnmigratable}, or dropped. */
  private static final Object SKIP = new Object();

  private Object unmigratable(Object message, Call call, MigrationException reason) {
    CastResult<S> result;
    try {
      result = callbacks.handleUnmigratable(message, call, reason, state);
    } catch (MigrationException refused) {
      LOG.warn(
          "{} dropped a message it cannot migrate to {}: {}",
          self.pid,
          version,
          refused.getMessage());
      result = new NoReply<>(state);
    } catch (Throwable t) {
      throw crash(t);
    }
    if (call != null) {
      call.complete(new Call.Failed(reason));
    }
    handleCastResult(result, "handleUnmigratable");
    return SKIP;
  }

  // ---- system messages -----------------------------------------------------------------

  // The yield is measured, not hoped for: see the comment below and docs/adr/0001.
  @SuppressWarnings("ThreadPriorityCheck")
  private void handleSystem(Call call, SysRequest request) {
    Object reply = runSystem(request);
    if (call.complete(reply) && call.wakesVirtualThread() && !suspended()) {
      // The caller parked (system requests never spin) and the JDK queued it on this carrier. A
      // running server goes on to ordinary messages and could keep the carrier for a long time:
      // let the caller run first. A suspended server parks next anyway.
      Thread.yield();
    }
  }

  @Override
  public void ended(ProcessCell process) {
    ModuleVersion running = version;
    if (running != null) {
      running.ended(process);
    }
  }

  @Override
  public ProcessCell.Runs now() {
    return version;
  }

  /**
   * The thread running a system request for this process now, null if none: what {@code
   * Upgrade.abandon} interrupts.
   */
  public Thread systemRunner() {
    return systemRunner;
  }

  /**
   * Answers {@code request} from the calling thread while this server's mailbox is held ({@link
   * Mailbox#tryHold}), as the server would have; then releases it. The server's code (a {@code
   * codeChange}, say) sees itself as the process it runs for.
   */
  Object systemReplyHeld(SysRequest request) {
    return systemReplyHeld(request, -1);
  }

  /**
   * {@link #systemReplyHeld(SysRequest)} for the server at {@code index} of its worker's batch: a
   * code change of a {@link Suspension} keeps its undo there.
   */
  Object systemReplyHeld(SysRequest request, int index) {
    heldIndex = index;
    try {
      if (request instanceof SysRequest.Suspend || request instanceof SysRequest.Resume) {
        // a flag flipped, no callback run: nothing to bind, and no runner to interrupt (an install
        // of many does this for each of its servers twice; a store per server costs the GC)
        return systemReply(request);
      }
      return ProcessCell.actingFor(self, () -> runSystem(request));
    } catch (Throwable t) {
      return refused(
          new IllegalStateException(
              "system request " + request + " failed in " + self.pid + ": " + t, t));
    } finally {
      heldIndex = -1;
      // a server suspended as one of a batch wakes for any message, and then waits for the lift
      self.mailbox.release(suspended() && batch == null ? systemMessage : null);
    }
  }

  /**
   * {@link #systemReply}, with this thread marked as the one running it, so that an upgrade whose
   * code change does not come back can interrupt it ({@code Upgrade.abandon}). An interrupt meant
   * for the request is not left to the next park.
   */
  private Object runSystem(SysRequest request) {
    systemRunner = Thread.currentThread();
    try {
      return systemReply(request);
    } finally {
      systemRunner = null;
      Thread.interrupted();
    }
  }

  private Object systemReply(SysRequest request) {
    suspended(); // a lifted suspension ends before anything else
    return switch (request) {
      case SysRequest.Suspend s -> {
        onItsOwn();
        system.suspended = true;
        yield "ok";
      }
      case SysRequest.Resume r -> {
        system.suspended = false;
        undo = null;
        leaveBatch();
        yield "ok";
      }
      case SysRequest.ChangeCode change -> changeCode(change.module(), change.extra());
      case SysRequest.SuspendAndChange both -> {
        onItsOwn();
        system.suspended = true;
        if (both.batch() != null) {
          // resumed by the batch's lift, as a resume sent to it would; a suspension of its own
          // with a code change already keeps that change's undo
          batch = both.batch();
          batchIndex = undo == null ? heldIndex : -1;
        }
        yield changeCode(both.module(), both.extra());
      }
      case SysRequest.RevertCodeChange r -> revertCodeChange();
      case SysRequest.GetState g -> state;
      case SysRequest.ReplaceState replace -> replaceState(replace);
      case SysRequest.GetStatus g -> status();
      case SysRequest.GetStatistics g -> system.statistics();
      case SysRequest.Trace trace -> {
        system.trace = trace.on();
        yield "ok";
      }
      case SysRequest.Log log -> {
        system.keep(log.keep());
        yield "ok";
      }
      case SysRequest.GetLog g -> system.log();
    };
  }

  private Object changeCode(String module, Object extra) {
    if (!suspended()) {
      return refused(
          new IllegalStateException(
              "process "
                  + self.pid
                  + " is not suspended; changeCode is accepted only "
                  + "between Sys.suspend and Sys.resume"));
    }
    if (version == null || !version.name().equals(module)) {
      return refused(
          new IllegalArgumentException(
              "process "
                  + self.pid
                  + " does not run module "
                  + module
                  + (version == null
                      ? " (its code is not a module's)"
                      : " (it runs " + version + ")")));
    }
    ModuleVersion target = version.changeTarget();
    if (target == null) {
      return refused(
          new CodeException(
              CodeException.Kind.NOT_FOUND,
              "module "
                  + module
                  + " has no current code (it was deleted); process "
                  + self.pid
                  + " stays on "
                  + version));
    }
    if (target == version) {
      return "ok";
    }
    Undo before = new Undo(version, callbacks, state);
    CodeChangeFailure failure = switchCode(target, extra, true);
    if (failure == null && undo() == null) {
      if (pendingMoved != null) {
        before.moved(pendingMoved);
      }
      if (batchIndex < 0 || !batch.keep(batchIndex, before)) {
        batchIndex = -1;
        undo = before;
      }
    }
    pendingMoved = null;
    if (failure != null) {
      return refused(
          new CodeException(
              CodeException.Kind.BAD_CLASS,
              "code change of "
                  + self.pid
                  + " from "
                  + version
                  + " to v"
                  + target.version
                  + " failed; it stays on "
                  + version
                  + " with its state: "
                  + failure.reason(),
              failure.reason().cause()));
    }
    return "ok";
  }

  /**
   * What a process ran, and with which state, before the code changes of this suspension, and what
   * those changes did to the messages and timers waiting for it.
   */
  private static final class Undo {
    final ModuleVersion version;
    final GenServer<?> callbacks;
    final Object state;

    /** The waiting messages each change moved, in order; null until one did (the common case). */
    private List<Waiting<?>> moved;

    Undo(ModuleVersion version, GenServer<?> callbacks, Object state) {
      this.version = version;
      this.callbacks = callbacks;
      this.state = state;
    }

    void moved(Waiting<?> waiting) {
      if (moved == null) {
        moved = new ArrayList<>();
      }
      moved.add(waiting);
    }

    List<Waiting<?>> moved() {
      return moved == null ? List.of() : moved;
    }
  }

  /**
   * The waiting messages a code change just moved, until {@link #changeCode} files them in its
   * undo.
   */
  private Waiting<?> pendingMoved;

  @SuppressWarnings("unchecked")
  private Object revertCodeChange() {
    if (!suspended()) {
      return refused(
          new IllegalStateException(
              "process "
                  + self.pid
                  + " is not suspended; a code change can be reverted "
                  + "only before Sys.resume"));
    }
    failedTarget = null;
    Undo undo = undo();
    if (undo == null) {
      return "ok";
    }
    TABLE.move(self, version, undo.version);
    for (Waiting<?> moved : undo.moved().reversed()) {
      moved.undo(self.mailbox);
    }
    version = undo.version;
    callbacks = (GenServer<S>) undo.callbacks;
    hibernateAfterNanos = hibernateAfterNanos(callbacks);
    state = (S) undo.state;
    failedTarget = null;
    this.undo = null;
    if (batchIndex >= 0) {
      batch.forget(batchIndex);
      batchIndex = -1;
    }
    system.codeChanges--;
    return "ok";
  }

  private Object replaceState(SysRequest.ReplaceState replace) {
    try {
      @SuppressWarnings("unchecked")
      S next = (S) replace.replace().apply(state);
      state = next;
      return state;
    } catch (RuntimeException e) {
      return refused(
          new IllegalStateException(
              "replaceState failed in " + self.pid + "; the state is unchanged: " + e, e));
    }
  }

  private ProcessStatus status() {
    return new ProcessStatus(
        self.pid,
        self.name(),
        callbacks.getClass().getName(),
        version == null ? null : version.name(),
        version == null ? 0 : version.version,
        suspended() ? ProcessStatus.Status.SUSPENDED : ProcessStatus.Status.RUNNING,
        state,
        self.mailbox.size(),
        system.lastFailure);
  }

  // ---- suspended as one of a batch (Suspension) ------------------------------------------------

  /** Whether it is suspended now; a batch suspension lifted since ends here. */
  private boolean suspended() {
    if (system.suspended && batch != null && batch.lifted()) {
      lifted();
    }
    return system.suspended;
  }

  /**
   * What a suspended server waits for: system messages. One suspended as one of a batch is queued
   * to be woken by the lift first.
   */
  private Predicate<Object> whileSuspended() {
    if (!suspended()) {
      return null;
    }
    if (batch != null && !waitsForLift) {
      waitsForLift = true;
      if (!batch.await(self)) {
        return whileSuspended(); // lifted meanwhile
      }
    }
    return systemMessage;
  }

  /** Its batch was lifted: it resumes, unless it is one that the install left suspended. */
  private void lifted() {
    Suspension lifted = batch;
    if (lifted.staysSuspended(self)) {
      if (undo == null && batchIndex >= 0) {
        undo = (Undo) lifted.stayingUndo(self);
      }
    } else {
      system.suspended = false;
      undo = null;
    }
    leaveBatch();
  }

  /** Suspended on its own from now on, with its batch's undo as its own. */
  private void onItsOwn() {
    if (batch != null) {
      undo = undo();
      leaveBatch();
    }
  }

  private void leaveBatch() {
    batch = null;
    batchIndex = -1;
    waitsForLift = false;
  }

  /** What undoes the code changes of this suspension, or null. */
  private Undo undo() {
    return undo != null || batchIndex < 0 ? undo : (Undo) batch.undo(batchIndex);
  }

  private static SysRequest.Refused refused(RuntimeException error) {
    return new SysRequest.Refused(error);
  }

  /**
   * Moves this process to {@code target}: new callbacks from the target's class of the same name
   * (or the one {@code @Renamed} from it), and the state through their {@code codeChange}; a state
   * an overridden {@code codeChange} built (every state, in strict mode) is checked to hold nothing
   * of another version. With {@code waiting}, the messages and timers waiting for the process are
   * migrated too, in the same change. On any failure nothing changes and the failure is reported
   * and returned.
   */
  /**
   * The object whose class is the module code this process runs: the callbacks, or for a {@link
   * Delegating} behaviour (a supervisor with a callback) its delegate.
   */
  @SuppressWarnings("unchecked")
  private Object codeOwner() {
    if (callbacks instanceof Delegating<?> delegating) {
      Object delegate = ((Delegating<S>) delegating).delegate(state);
      return delegate == null ? callbacks : delegate;
    }
    return callbacks;
  }

  @SuppressWarnings("unchecked")
  private CodeChangeFailure switchCode(ModuleVersion target, Object extra, boolean waiting) {
    try {
      String name = codeOwner().getClass().getName();
      Class<?> next = target.loader.ownClass(target.loader.renames().getOrDefault(name, name));
      if (next == null) {
        throw new IllegalStateException(
            name
                + " no longer exists in "
                + target
                + "; declare @Renamed(\""
                + name
                + "\") on the class that replaces it");
      }
      GenServer<S> nextCallbacks;
      S nextState;
      if (callbacks instanceof Delegating<?> delegating) {
        Object nextDelegate = target.newCallbacks(next);
        nextCallbacks = callbacks;
        nextState =
            ((Delegating<S>) delegating)
                .moved(nextDelegate, target.loader, version.version, state, extra);
      } else {
        nextCallbacks = (GenServer<S>) target.newCallbacks(next);
        nextState = nextCallbacks.codeChange(version.version, state, extra);
      }
      if (Reachable.STRICT || Overrides.codeChange(next)) {
        Reachable.check(nextState, target.loader, "state");
      }
      Waiting<S> moved = null;
      if (waiting) {
        moved = Waiting.migrate(self, target.loader, nextCallbacks, nextState);
        if (moved != null) {
          nextState = moved.state();
          moved.apply(self.mailbox);
        }
      }
      TABLE.move(self, version, target);
      version = target;
      callbacks = nextCallbacks;
      hibernateAfterNanos = hibernateAfterNanos(nextCallbacks);
      state = nextState;
      failedTarget = null;
      system.codeChanges++;
      Undo undo = moved == null ? null : undo();
      if (undo != null) {
        undo.moved(moved);
      } else if (moved != null) {
        pendingMoved = moved;
      }
      return null;
    } catch (Throwable t) {
      ExitReason reason =
          Guard.crashReason(t instanceof InvocationTargetException e ? e.getCause() : t);
      CodeChangeFailure failure =
          new CodeChangeFailure(
              self.pid, version.name(), version.version, target.version, reason, Instant.now());
      failedTarget = target;
      // kept without the exception's own classes, which would keep the failed version reachable
      CodeChangeFailure kept =
          reason.cause() == null
              ? failure
              : new CodeChangeFailure(
                  failure.pid(),
                  failure.module(),
                  failure.fromVersion(),
                  failure.toVersion(),
                  ExitReason.crash(DetachedException.of(reason.cause())),
                  failure.at());
      system.lastFailure = kept;
      system.failedCodeChanges++;
      TABLE.reportFailure(kept, target);
      return failure;
    }
  }

  private void handleCall(Call call) {
    CallResult<S> result;
    try {
      result = callbacks.handleCall(call.request, call, state);
    } catch (Throwable t) {
      throw crash(t);
    }
    ModuleClasses serving = version == null ? null : version.loader;
    switch (result) {
      case Reply<S>(Object reply, S nextState) -> {
        if (state != nextState) {
          state = nextState; // stored only when it changes: no store per call when kept in place
        }
        ProcessCell caller = call.callerCell();
        if (self.peer != caller) {
          self.peer = caller; // written only when it changes: its caller spins reading this cell
        }
        call.reply(reply, serving);
      }
      case NoReply<S>(S nextState) -> state = nextState;
      case Reply.Then<S>(Reply<S>(Object reply, S nextState), Next then) -> {
        state = nextState;
        next = then;
        call.reply(reply, serving);
      }
      case NoReply.Then<S>(S nextState, Next then) -> {
        state = nextState;
        next = then;
      }
      case Stop<S> stop -> {
        state = stop.state();
        if (stop.replies()) {
          call.reply(stop.reply(), serving);
        }
        stop(stop.reason());
      }
      case null -> throw crash(badReturn("handleCall", "Reply, NoReply or Stop"));
    }
  }

  private void handleCast(Object request) {
    handleNoReply(CAST, request);
  }

  private void handleInfo(Object message) {
    handleNoReply(INFO, message);
  }

  private void handleContinue(Object continueArg) {
    handleNoReply(CONTINUE, continueArg);
  }

  private static final int CAST = 0;
  private static final int INFO = 1;
  private static final int CONTINUE = 2;

  /** Runs a callback that does not reply ({@code kind}: which one) and keeps what it returned. */
  private void handleNoReply(int kind, Object arg) {
    CastResult<S> result;
    try {
      result =
          switch (kind) {
            case CAST -> callbacks.handleCast(arg, state);
            case INFO -> callbacks.handleInfo(arg, state);
            default -> callbacks.handleContinue(arg, state);
          };
    } catch (Throwable t) {
      throw crash(t);
    }
    handleCastResult(
        result, kind == CAST ? "handleCast" : kind == INFO ? "handleInfo" : "handleContinue");
  }

  private void handleCastResult(CastResult<S> result, String callback) {
    switch (result) {
      case NoReply<S>(S nextState) -> state = nextState;
      case NoReply.Then<S>(S nextState, Next then) -> {
        state = nextState;
        next = then;
      }
      case Stop<S> stop -> {
        state = stop.state();
        stop(stop.reason());
      }
      case null -> throw crash(badReturn(callback, "NoReply or Stop"));
    }
  }

  private IllegalStateException badReturn(String callback, String expected) {
    return new IllegalStateException(
        callbacks.getClass().getName() + "." + callback + " returned null; return " + expected);
  }

  /** A callback threw: terminate with the crash, then end the process with it. */
  private ProcessExit crash(Throwable t) {
    ProcessExit exit = Guard.exitFor(t);
    terminate(exit.reason());
    return exit;
  }

  private void stop(ExitReason reason) {
    terminate(reason);
    throw new ProcessExit(reason);
  }

  private void terminate(ExitReason reason) {
    try {
      callbacks.terminate(reason, state);
    } catch (Throwable t) {
      throw Guard.exitFor(t);
    }
  }
}
