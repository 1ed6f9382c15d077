package dev.molt.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per release root: an exclusive lock on {@code <root>/tmp/root.lock}, which holds the
 * pid of its holder. A node takes it at boot and keeps it until its process ends (the operating
 * system lets go of it then, even after a kill -9); a command that changes the root without a node
 * takes it for its run. Whoever finds it taken is refused, whether or not the holder answers on its
 * control channel: a node that is busy or locked out is still running.
 */
final class RootLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RootLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static Path file(Path root) {
    return root.resolve("tmp").resolve("root.lock");
  }

  /**
   * As {@link #acquire(Path, String)}, trying again for up to {@code patience}: a command that
   * holds the lock for a moment (a check, {@code releases}) does not keep a node from booting.
   */
  static RootLock acquire(Path root, String who, java.time.Duration patience)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return acquire(root, who);
      } catch (IllegalStateException taken) {
        if (System.nanoTime() - deadline > 0) {
          throw taken;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Takes the lock of {@code root}; fails, naming the holder's pid, if another holds it. */
  static RootLock acquire(Path root, String who) throws IOException {
    Path file = file(root);
    Files.createDirectories(file.getParent());
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this process holds it already
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = readHolder(channel);
      channel.close();
      throw new IllegalStateException(
          "a node is already running with root "
              + root
              + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; "
              + who
              + " was not done. If it does not answer, stop it with kill "
              + (holder.isEmpty() ? "<pid>" : holder));
    }
    try {
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(false);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw e;
    }
    return new RootLock(channel, lock);
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
