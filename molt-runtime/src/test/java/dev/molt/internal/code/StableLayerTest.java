package dev.molt.internal.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StableLayerTest {
  @TempDir Path dir;

  @Test
  void aClassInAJarOrTheJdkIsClaimedOneInAClassDirectoryIsNot() throws Exception {
    Path jar = dir.resolve("lib.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("dev/molt/release/ReleaseHandler.class"));
      out.write(new byte[] {1, 2, 3});
      out.closeEntry();
    }
    Path classes = Files.createDirectories(dir.resolve("classes/app"));
    Files.write(classes.resolve("Main.class"), new byte[] {1, 2, 3});
    try (URLClassLoader stable =
        new URLClassLoader(
            new URL[] {jar.toUri().toURL(), dir.resolve("classes").toUri().toURL()}, null)) {
      assertThat(StableLayer.claims("dev.molt.release.ReleaseHandler", stable))
          .isEqualTo("the stable layer has a class of that name");
      assertThat(StableLayer.claims("app.Main", stable))
          .as("an application's own classes in development")
          .isNull();
      assertThat(StableLayer.claims("java.lang.String", ClassLoader.getSystemClassLoader()))
          .isEqualTo("the stable layer has a class of that name");
      assertThat(StableLayer.claims("java.lang.Evil", stable))
          .isEqualTo("its package java.lang is a package of the stable layer");
      assertThat(StableLayer.claims("com.example.Mine", stable)).isNull();
      assertThat(StableLayer.claims("Unnamed", stable)).isNull();
    }
  }
}
