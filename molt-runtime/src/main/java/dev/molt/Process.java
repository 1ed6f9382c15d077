package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.behaviour.GenServer;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.ProcessTable;
import dev.molt.internal.process.Registry;
import dev.molt.internal.process.Signals;
import dev.molt.internal.process.Timeouts;
import dev.molt.internal.process.Timers;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * Processes: the interface to spawn them, send to them, link and monitor them, name them and time
 * them. Each process runs on a virtual thread of its own.
 *
 * <p>Functions that act for "this process" ({@link #self()}, {@link #receive()}, {@link #link},
 * {@link #monitor}, {@link #trapExit}) must be called from inside a process; elsewhere they throw
 * {@link IllegalStateException}. {@link #send}, {@link #exit(Pid, ExitReason)}, the registry and
 * {@link GenServer#call} work from any thread.
 */
// OTP's noun, on purpose: import it by name (a wildcard import loses to java.lang.Process).
@SuppressWarnings("JavaLangClash")
@API(status = STABLE, since = "0.1")
public final class Process {
  /** A timeout that never expires. */
  public static final Duration INFINITY = ChronoUnit.FOREVER.getDuration();

  private Process() {}

  // ---- spawning ------------------------------------------------------------------------

  /**
   * Starts a process running {@code body}. A body whose class is module code (a lambda or method
   * reference written in a module, or a module class implementing {@link ProcessBody}) makes a
   * process that runs that module's version: it is among {@code CodeServer.oldProcesses} once a
   * newer version is loaded, a purge of that version kills it and a soft purge is refused while it
   * runs (docs/adr/0010).
   */
  public static Pid spawn(ProcessBody body) {
    Objects.requireNonNull(body, "body");
    return ProcessCell.spawn(body, null, false, enterModule(body)).pid;
  }

  /** Starts a process linked to this one, atomically: the link exists before {@code body} runs. */
  public static Pid spawnLink(ProcessBody body) {
    Objects.requireNonNull(body, "body");
    return ProcessCell.spawn(body, me("spawnLink"), false, enterModule(body)).pid;
  }

  /** What enters a new process as running the module version {@code body}'s class belongs to. */
  private static java.util.function.Consumer<ProcessCell> enterModule(ProcessBody body) {
    if (!(body.getClass().getClassLoader() instanceof dev.molt.internal.code.ModuleClassLoader)) {
      return null;
    }
    dev.molt.internal.code.ModuleTable table = dev.molt.internal.code.ModuleTable.node();
    dev.molt.internal.code.ModuleVersion version = table.versionOf(body.getClass());
    return version == null ? null : cell -> table.enter(cell, version);
  }

  /** A pid and the monitor on it, set before the process runs. */
  @API(status = STABLE, since = "0.1")
  public record Spawned(Pid pid, Ref monitor) {}

  /** Starts a process monitored by this one; the monitor is set before {@code body} runs. */
  public static Spawned spawnMonitor(ProcessBody body) {
    ProcessCell self = me("spawnMonitor");
    ProcessCell cell = new ProcessCell();
    Ref ref = monitor(self, cell);
    cell.start(Objects.requireNonNull(body, "body"), null, enterModule(body));
    return new Spawned(cell.pid, ref);
  }

  /** The calling process. */
  public static Pid self() {
    return me("self").pid;
  }

  /** The calling process, or empty when called from a thread that is not a process. */
  public static Optional<Pid> current() {
    ProcessCell cell = ProcessCell.current();
    return cell == null ? Optional.empty() : Optional.of(cell.pid);
  }

  // ---- messages ------------------------------------------------------------------------

  /**
   * Puts {@code message} in the mailbox of {@code to}; never blocks, and drops it if {@code to} is
   * dead. Called by a process that an exit signal has already killed, it sends nothing and throws
   * the {@link ProcessExit} that ends the process.
   */
  public static void send(Pid to, Object message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "a message must not be null");
    ProcessCell self = ProcessCell.current();
    if (self != null) {
      self.checkNotKilled(); // a dead process sends nothing: it unwinds here instead
    }
    if (to.cell.isAlive()) {
      to.cell.mailbox.put(message);
    }
  }

  /**
   * Sends to a registered name; throws if no process has that name, as OTP's {@code Name ! Msg}
   * does.
   */
  public static void send(String name, Object message) {
    ProcessCell cell = Registry.whereis(name);
    if (cell == null) {
      throw new IllegalArgumentException("no process is registered as " + name);
    }
    send(cell.pid, message);
  }

  /** The oldest message in this process's mailbox, waiting as long as it takes. */
  public static Object receive() {
    return me("receive").mailbox.take(Long.MAX_VALUE);
  }

  /** The oldest message, or empty when none arrives within {@code timeout}. */
  public static Optional<Object> receive(Duration timeout) {
    return Optional.ofNullable(me("receive").mailbox.take(Timeouts.nanos(timeout)));
  }

  /**
   * Selective receive: the oldest message that {@code match} accepts, or empty after {@code
   * timeout}. The messages passed over stay in the mailbox, in order.
   */
  public static Optional<Object> receive(Predicate<Object> match, Duration timeout) {
    Objects.requireNonNull(match, "match");
    return Optional.ofNullable(me("receive").mailbox.take(match, Timeouts.nanos(timeout)));
  }

  /** Selective receive of the oldest message of {@code type} that {@code match} accepts. */
  public static <T> Optional<T> receive(
      Class<T> type, Predicate<? super T> match, Duration timeout) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(match, "match");
    Object message =
        me("receive")
            .mailbox
            .take(m -> type.isInstance(m) && match.test(type.cast(m)), Timeouts.nanos(timeout));
    return Optional.ofNullable(type.cast(message));
  }

  // ---- links, monitors, exits ---------------------------------------------------------

  /**
   * Links this process and {@code other}. If {@code other} is dead, this process gets an exit
   * signal {@code noproc}.
   */
  public static void link(Pid other) {
    ProcessCell self = me("link");
    self.link(Objects.requireNonNull(other, "other").cell);
    // a link to a dead process sends this one noproc: one that does not trap exits dies of it,
    // and unwinds here, as OTP's link/1 raises noproc
    self.checkNotKilled();
  }

  public static void unlink(Pid other) {
    me("unlink").unlink(Objects.requireNonNull(other, "other").cell);
  }

  /** Whether {@code a} is linked to {@code b}. */
  public static boolean isLinked(Pid a, Pid b) {
    return a.cell.isLinkedTo(b.cell);
  }

  /**
   * Monitors {@code target}: when it ends, this process receives a {@link Down} with the returned
   * ref. On a dead process the {@code Down} (reason {@code noproc}) arrives at once.
   */
  public static Ref monitor(Pid target) {
    return monitor(me("monitor"), Objects.requireNonNull(target, "target").cell);
  }

  /**
   * Monitors the process registered as {@code name} now, as OTP's {@code monitor(process, Name)}:
   * its {@link Down} carries the name. The monitor stays on that process if the name is later
   * unregistered or moves. No process of that name: the {@code Down} (reason {@code noproc}, pid
   * null) arrives at once.
   */
  public static Ref monitor(String name) {
    ProcessCell owner = me("monitor");
    ProcessCell target = Registry.whereis(Objects.requireNonNull(name, "name"));
    if (target == null) {
      Ref ref = new Ref(null, owner);
      owner.mailbox.put(new Down(ref, null, ExitReason.noproc(), name));
      return ref;
    }
    return monitor(owner, target, name);
  }

  private static Ref monitor(ProcessCell owner, ProcessCell target) {
    return monitor(owner, target, null);
  }

  private static Ref monitor(ProcessCell owner, ProcessCell target, String name) {
    Ref ref = new Ref(target, owner);
    Pid watched = target.pid;
    if (!target.watch(
        ref, (cell, reason) -> owner.mailbox.put(new Down(ref, watched, reason, name)))) {
      owner.mailbox.put(new Down(ref, watched, ExitReason.noproc(), name));
    }
    return ref;
  }

  /**
   * Removes a monitor this process made; a {@code Down} already delivered stays in the mailbox. As
   * in OTP, a ref that another process made does nothing: no process can silence another's {@code
   * Down}. Returns whether a monitor was removed.
   */
  public static boolean demonitor(Ref ref) {
    Objects.requireNonNull(ref, "ref");
    ProcessCell self = ProcessCell.current();
    if (ref.target == null || ref.owner == null || ref.owner != self) {
      return false;
    }
    return ref.target.unwatch(ref);
  }

  /** Removes a monitor and any {@code Down} for it already in this process's mailbox. */
  public static void demonitorFlush(Ref ref) {
    demonitor(ref);
    me("demonitor").mailbox.take(m -> m instanceof Down down && down.ref() == ref, 0);
  }

  /** Ends this process with {@code reason}. */
  public static ProcessExit exit(ExitReason reason) {
    me("exit");
    throw new ProcessExit(Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Sends an exit signal to {@code target}, as OTP's {@code exit/2}. Works from any thread; the
   * signal then comes from no process.
   *
   * <table>
   *   <caption>What a process does with an exit signal</caption>
   *   <tr><th>reason</th><th>traps exits</th><th>does not trap exits</th></tr>
   *   <tr><td>{@code kill}, sent with exit/2</td><td>dies with {@code killed}</td><td>dies with {@code killed}</td></tr>
   *   <tr><td>{@code normal}, from a link or another process</td><td>gets an {@link Exit} message</td><td>ignores it</td></tr>
   *   <tr><td>{@code normal}, sent to itself</td><td>gets an {@link Exit} message</td><td>dies with {@code normal}</td></tr>
   *   <tr><td>anything else</td><td>gets an {@link Exit} message</td><td>dies with that reason</td></tr>
   * </table>
   */
  public static void exit(Pid target, ExitReason reason) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    ProcessCell self = ProcessCell.current();
    Signals.exit(target.cell, self == null ? null : self.pid, reason, false);
    if (self != null) {
      self.checkNotKilled();
    }
  }

  /**
   * Sets whether this process receives exit signals as {@link Exit} messages; returns the old
   * setting.
   */
  public static boolean trapExit(boolean trap) {
    ProcessCell self = me("trapExit");
    boolean old = self.trapExit;
    self.trapExit = trap;
    return old;
  }

  public static boolean isAlive(Pid pid) {
    return pid.cell.isAlive();
  }

  /** The reason a dead process ended with; empty while it is alive. */
  public static Optional<ExitReason> exitReason(Pid pid) {
    return Optional.ofNullable(pid.cell.exitReason());
  }

  /** Every live process of the node. */
  public static List<Pid> processes() {
    return ProcessTable.pids();
  }

  /**
   * The live process a pid prints as ({@code <0.42.0>}), as typed in a console; empty if the text
   * is not a pid or no such process lives.
   */
  public static Optional<Pid> pid(String text) {
    var match = java.util.regex.Pattern.compile("<0\\.(\\d{1,18})\\.0>").matcher(text.strip());
    if (!match.matches()) {
      return Optional.empty();
    }
    ProcessCell cell = ProcessTable.byId(Long.parseLong(match.group(1)));
    return cell == null ? Optional.empty() : Optional.of(cell.pid);
  }

  /** How many messages wait in {@code pid}'s mailbox (a snapshot). */
  public static int mailboxSize(Pid pid) {
    return pid.cell.mailbox.size();
  }

  // ---- registry --------------------------------------------------------------------------

  /**
   * Registers {@code pid} under {@code name}; a name already taken is an error naming its holder.
   */
  public static void register(String name, Pid pid) {
    Registry.register(name, Objects.requireNonNull(pid, "pid").cell);
  }

  /** Frees {@code name}; false if it was not registered. */
  public static boolean unregister(String name) {
    return Registry.unregister(name);
  }

  public static Optional<Pid> whereis(String name) {
    ProcessCell cell = Registry.whereis(name);
    return cell == null ? Optional.empty() : Optional.of(cell.pid);
  }

  /** The name {@code pid} is registered under, if any. */
  public static Optional<String> registeredName(Pid pid) {
    return Optional.ofNullable(pid.cell.name());
  }

  public static List<String> registered() {
    return Registry.registered();
  }

  // ---- timers ----------------------------------------------------------------------------

  /** Sends {@code message} to {@code to} after {@code delay}. */
  public static TimerRef sendAfter(Duration delay, Pid to, Object message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    return new TimerRef(Timers.sendAfter(Timeouts.nanos(delay), to.cell, message));
  }

  /**
   * Sends {@code message} to whoever holds {@code name} when the timer fires; dropped if nobody
   * does.
   */
  public static TimerRef sendAfter(Duration delay, String name, Object message) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    return new TimerRef(Timers.sendAfter(Timeouts.nanos(delay), name, message));
  }

  /** Cancels a timer; true if it had not fired yet. */
  public static boolean cancelTimer(TimerRef timer) {
    return Timers.cancel(Objects.requireNonNull(timer, "timer").timer);
  }

  private static ProcessCell me(String operation) {
    return ProcessCell.me(operation);
  }
}
