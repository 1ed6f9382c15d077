package dev.molt.internal.process;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.ProcessBody;
import dev.molt.ProcessExit;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process: a virtual thread, a mailbox, and the watchers that hear of its end.
 *
 * <p><b>Watchers.</b> Links and monitors live in one map, created on first use so that an idle
 * process without links costs no map. The key is the linked {@code ProcessCell}, or the {@link
 * dev.molt.Ref} of a monitor, or the call of a pending {@code GenServer.call}; the value for a
 * monitor or a call is the {@link Watcher} to tell. Whoever removes an entry fires it: the dying
 * process when it drains the map, or a late registrant that finds the process already dead. So
 * every watcher fires exactly once, with no lock.
 *
 * <p><b>Death.</b> A process is dead from the moment {@code exitReason} is set. An exit signal
 * kills the target at once (its links and monitors fire, its name is freed) and interrupts its
 * thread; the thread unwinds at its next receive or call with {@link ProcessExit}.
 *
 * <p><b>Its pid.</b> {@link Pid} is API: it keeps the cell in a package-private field, which the
 * internals read through {@link #of(Pid)} (a constant {@link VarHandle}, as cheap as a field read).
 */
public final class ProcessCell {
  /** The process the current thread runs, bound for the whole of its body. */
  public static final ScopedValue<ProcessCell> SELF = ScopedValue.newInstance();

  private static final Logger LOG = LoggerFactory.getLogger(ProcessCell.class);
  private static final AtomicLong IDS = new AtomicLong(63);
  private static final Object LINK = new Object();
  private static final VarHandle EXIT_REASON;
  private static final VarHandle WATCHERS;
  private static final VarHandle PID_CELL;
  private static final MethodHandle NEW_PID;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      EXIT_REASON = lookup.findVarHandle(ProcessCell.class, "exitReason", ExitReason.class);
      WATCHERS = lookup.findVarHandle(ProcessCell.class, "watchers", ConcurrentHashMap.class);
      MethodHandles.Lookup pids = MethodHandles.privateLookupIn(Pid.class, lookup);
      PID_CELL = pids.findVarHandle(Pid.class, "cell", ProcessCell.class);
      NEW_PID =
          pids.findConstructor(Pid.class, MethodType.methodType(void.class, ProcessCell.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public final long id = IDS.incrementAndGet();
  public final Pid pid = newPid(this);
  public final Mailbox mailbox = new Mailbox(this);
  public volatile Thread thread;
  public volatile boolean trapExit;

  /**
   * How long this process spins before parking; see {@link Spin}. Touched only by its own thread.
   */
  public int spinBudget;

  /**
   * Whether the process's thread is on a carrier rather than parked: a peer spins for it only while
   * it is ({@link Spin}). Written by its own thread around its parks.
   */
  public volatile boolean running = true;

  /**
   * The process this one last exchanged a call with (a server: the caller it answered), whose next
   * message is the one it most likely waits for. Touched only by its own thread.
   */
  public ProcessCell peer;

  /** Set while the process is parked in a wait (not while it yields). */
  public volatile boolean parkedInWait;

  /** Set while the process was woken and has not run since ({@link Spin#woke}). */
  volatile boolean wokenPending;

  /** Its registered name; written only by {@link Registry}. */
  volatile String name;

  /**
   * What the process runs, for diagnostics: a behaviour's loop, say (set once: never a version's
   * callbacks, which a code change would have to replace).
   */
  public volatile Object behaviour;

  /**
   * The module version the process runs, as the code server's table records it; null for none. A
   * server's loop stands in for its version here ({@link #runsNow}), so that moving it to new code
   * stores nothing in its cell. Written by that table and by the loop.
   */
  public volatile Runs runs;

  /**
   * The generic server loop this process runs, if it is a GenServer: what a held mailbox's system
   * requests go to.
   */
  public volatile Object server;

  private volatile ExitReason exitReason;
  private volatile ConcurrentHashMap<Object, Object> watchers;

  /** Its pending timers, made on the first {@code sendAfter} to it. */
  private volatile Set<Timer> timers;

  /** The process a pid names. */
  public static ProcessCell of(Pid pid) {
    return (ProcessCell) PID_CELL.get(pid);
  }

  private static Pid newPid(ProcessCell cell) {
    try {
      return (Pid) NEW_PID.invokeExact(cell);
    } catch (Throwable t) {
      throw new AssertionError("cannot make a pid", t);
    }
  }

  public boolean isAlive() {
    return exitReason == null;
  }

  public ExitReason exitReason() {
    return exitReason;
  }

  /** Its registered name, or null. */
  public String name() {
    return name;
  }

  /** Throws in the process's own thread once an exit signal has killed it. */
  public void checkNotKilled() {
    ExitReason reason = exitReason;
    if (reason != null) {
      throw new ProcessExit(reason);
    }
  }

  /** The process the current thread runs, or null when it runs none. */
  public static ProcessCell current() {
    return SELF.isBound() ? SELF.get() : ACTING_FOR.get();
  }

  /**
   * The process a worker thread acts for while it answers a held server's system request (see
   * {@code HeldDispatch}): bound per request without the allocations of a scoped value, which an
   * install of 1,000,000 servers would pay a million times.
   */
  private static final ThreadLocal<ProcessCell> ACTING_FOR = new ThreadLocal<>();

  /**
   * Runs {@code body} on this thread as {@code cell} (what {@link #current} returns inside), for a
   * worker answering a held server; the thread must run no process of its own.
   */
  public static <T> T actingFor(ProcessCell cell, java.util.function.Supplier<T> body) {
    if (SELF.isBound()) {
      throw new IllegalStateException("a process's own thread cannot act for another");
    }
    ProcessCell before = ACTING_FOR.get();
    ACTING_FOR.set(cell);
    try {
      return body.get();
    } finally {
      ACTING_FOR.set(before);
    }
  }

  /** The process the current thread runs; {@code operation} must be called from inside one. */
  public static ProcessCell me(String operation) {
    ProcessCell cell = current();
    if (cell == null) {
      throw new IllegalStateException(
          operation + " must be called from inside a Molt process; start one with Process.spawn");
    }
    return cell;
  }

  public static ProcessCell spawn(
      ProcessBody body, ProcessCell linkTo, boolean trapExit, Consumer<ProcessCell> beforeStart) {
    ProcessCell cell = new ProcessCell();
    cell.trapExit = trapExit;
    cell.start(body, linkTo, beforeStart);
    return cell;
  }

  public void start(ProcessBody body, ProcessCell linkTo) {
    start(body, linkTo, null);
  }

  /**
   * The one place where processes get their threads. {@code beforeStart} (null: none) sees the cell
   * before its body runs: where a plain process is entered as running the module version its body's
   * class comes from (docs/adr/0010).
   */
  public void start(ProcessBody body, ProcessCell linkTo, Consumer<ProcessCell> beforeStart) {
    if (beforeStart != null) {
      beforeStart.accept(this);
    }
    thread = Thread.ofVirtual().unstarted(() -> run(body));
    ProcessTable.add(this);
    if (linkTo != null) {
      linkTo.link(this);
    }
    thread.start();
  }

  private void run(ProcessBody body) {
    ExitReason reason;
    try {
      ScopedValue.where(SELF, this)
          .call(
              () -> {
                body.run();
                return null;
              });
      reason = ExitReason.normal();
    } catch (ProcessExit exit) {
      reason = exit.reason();
    } catch (Throwable t) {
      if (Guard.isFatal(t)) {
        Signals.die(this, ExitReason.crash(t));
        throw (VirtualMachineError) t;
      }
      reason = Guard.crashReason(t);
    }
    if (exitReason == null
        && !(reason instanceof ExitReason.Normal)
        && !(reason instanceof ExitReason.Shutdown)) {
      LOG.error("process {} exited: {}", pid, reason, reason.cause());
    }
    Signals.die(this, reason);
    // A pid outlives its process; let it not keep the thread, and through it the code it ran.
    thread = null;
  }

  Set<Timer> timers() {
    Set<Timer> set = timers;
    if (set == null) {
      synchronized (this) {
        set = timers;
        if (set == null) {
          set = ConcurrentHashMap.newKeySet(2);
          timers = set;
        }
      }
    }
    return set;
  }

  Set<Timer> timersIfAny() {
    return timers;
  }

  // ---- watchers --------------------------------------------------------------------------

  private ConcurrentHashMap<Object, Object> watchers() {
    ConcurrentHashMap<Object, Object> map = watchers;
    if (map == null) {
      map = new ConcurrentHashMap<>(4);
      if (!WATCHERS.compareAndSet(this, null, map)) {
        map = watchers;
      }
    }
    return map;
  }

  /** Adds a watcher; false when the process is already dead and the watcher was not kept. */
  public boolean watch(Object key, Watcher watcher) {
    ConcurrentHashMap<Object, Object> map = watchers();
    map.put(key, watcher);
    return exitReason == null || map.remove(key) == null;
  }

  /** Removes a watcher; true if it was there. */
  public boolean unwatch(Object key) {
    ConcurrentHashMap<Object, Object> map = watchers;
    return map != null && map.remove(key) != null;
  }

  /** Links both ways; when {@code other} is dead, this process gets {@code noproc} from it. */
  public void link(ProcessCell other) {
    if (other == this) {
      return;
    }
    watchers().put(other, LINK);
    ConcurrentHashMap<Object, Object> theirs = other.watchers();
    theirs.put(this, LINK);
    if (other.exitReason != null && theirs.remove(this) != null) {
      unwatch(other);
      Signals.exit(this, other.pid, ExitReason.noproc(), true);
    }
  }

  public void unlink(ProcessCell other) {
    unwatch(other);
    other.unwatch(this);
  }

  public boolean isLinkedTo(ProcessCell other) {
    ConcurrentHashMap<Object, Object> map = watchers;
    return map != null && map.get(other) == LINK;
  }

  /**
   * Marks the process dead with {@code reason}; false if it already was. The caller then
   * {@linkplain #drainWatchers fires the watchers}.
   */
  boolean markDead(ExitReason reason) {
    if (!EXIT_REASON.compareAndSet(this, null, reason)) {
      return false;
    }
    ProcessTable.remove(this);
    Runs version = runs;
    if (version != null) {
      version.ended(this);
    }
    behaviour = null;
    server = null;
    String registered = name;
    if (registered != null) {
      Registry.release(registered, this);
    }
    return true;
  }

  /** Hands each linked process to {@code onLink} and each other watcher to {@code onWatcher}. */
  void drainWatchers(Consumer<ProcessCell> onLink, Consumer<Watcher> onWatcher) {
    ConcurrentHashMap<Object, Object> map = watchers;
    if (map == null) {
      return;
    }
    for (Object key : map.keySet()) {
      Object value = map.remove(key);
      if (value == null) {
        continue;
      }
      if (value == LINK) {
        ProcessCell linked = (ProcessCell) key;
        linked.unwatch(this);
        onLink.accept(linked);
      } else {
        onWatcher.accept((Watcher) value);
      }
    }
  }

  /** Told once when the watched process ends. Runs in the thread that ended it: keep it short. */
  public interface Watcher {
    void down(ProcessCell process, ExitReason reason);
  }

  /**
   * The module version a process runs, as the code server's table sees it: told once when the
   * process ends, so that the table's index of which process runs what forgets it.
   */
  public interface Runs {
    void ended(ProcessCell process);

    /** The module version this stands for now: itself, or the one a server's loop runs. */
    default Runs now() {
      return this;
    }
  }

  /** The module version the process runs now; null for none. */
  public Runs runsNow() {
    Runs recorded = runs;
    return recorded == null ? null : recorded.now();
  }

  @Override
  public String toString() {
    return pid.toString();
  }
}
