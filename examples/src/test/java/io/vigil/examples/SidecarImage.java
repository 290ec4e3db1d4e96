package io.vigil.examples;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Assembles the root file system of the {@code FROM scratch} sidecar image (container/Dockerfile)
 * as one tar file, which the Dockerfile ADDs: a jlink'ed Java runtime, the dynamic loader and
 * shared libraries from this (Debian, x86_64) host, the application (guard/target/vigil.jar and
 * guard/target/lib), the example policies, /etc/passwd and /etc/group, /tmp (1777) and /data.
 */
final class SidecarImage {
  static final int UID = 10001;
  static final String LIB_DIR = "/lib/x86_64-linux-gnu";
  /** What the JVM (libc, libm, libz), Netty's epoll transport (libdl, librt, libpthread) and Z3 (libstdc++, libgcc_s) load. */
  static final List<String> LIBS = List.of("libc.so.6", "libm.so.6", "libz.so.1", "libdl.so.2", "librt.so.1",
      "libpthread.so.0", "libstdc++.so.6", "libgcc_s.so.1");
  static final String LOADER = "/lib64/ld-linux-x86-64.so.2";
  static final List<String> MODULES = List.of("java.base", "java.logging", "java.naming", "java.sql",
      "java.management", "jdk.unsupported", "java.net.http", "jdk.crypto.ec");

  private SidecarImage() {}

  /** Why this machine cannot build the image, or null when it can. */
  static String missing(Path repo) {
    if (!System.getProperty("os.arch").equals("amd64")) {
      return "the sidecar image is assembled from an x86_64 host's libraries (this is " + System.getProperty("os.arch") + ")";
    }
    Path jmods = Path.of(System.getProperty("java.home"), "jmods");
    if (!Files.isDirectory(jmods) || !Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jlink"))) {
      return "jlink and " + jmods + " are needed (a full JDK, e.g. openjdk-17-jdk-headless)";
    }
    for (String lib : LIBS) {
      if (!Files.exists(Path.of(LIB_DIR, lib))) {
        return LIB_DIR + "/" + lib + " is missing";
      }
    }
    if (!Files.exists(Path.of(LOADER))) {
      return LOADER + " is missing";
    }
    if (!Files.isRegularFile(repo.resolve("guard/target/vigil.jar"))) {
      return "guard/target/vigil.jar is missing: build it first (mvn package, or ./vigil)";
    }
    return null;
  }

  /** Builds {@code work/rootfs.tar} (the Java runtime is linked once into {@code work/jre} and reused). */
  static Path build(Path repo, Path work) throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path jre = jlink(work.resolve("jre"));
    Path tarFile = work.resolve("rootfs.tar");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tarFile), 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      Rootfs root = new Rootfs(tar);
      root.dir("tmp", 01777, 0);
      root.dir("data", 0755, UID);
      root.text("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nvigil:x:" + UID + ":" + UID + ":vigil:/data:/sbin/nologin\n");
      root.text("etc/group", "root:x:0:\nvigil:x:" + UID + ":\n");
      root.copy(Path.of(LOADER), LOADER.substring(1), 0755);
      for (String lib : LIBS) {
        root.copy(Path.of(LIB_DIR, lib), LIB_DIR.substring(1) + "/" + lib, 0755);
      }
      root.tree(jre, "opt/java");
      root.copy(repo.resolve("guard/target/vigil.jar"), "app/vigil.jar", 0644);
      try (Stream<Path> jars = Files.list(repo.resolve("guard/target/lib"))) {
        for (Path jar : jars.sorted().toList()) {
          String name = jar.getFileName().toString();
          root.copy(name.startsWith("z3-turnkey-") ? slimZ3(jar, work) : jar, "app/lib/" + name, 0644);
        }
      }
      for (String policy : List.of("retail/retail.vigil", "airline/airline.vigil")) {
        root.copy(repo.resolve("examples").resolve(policy), "app/policies/" + policy, 0644);
      }
    }
    return tarFile;
  }

  /**
   * z3-turnkey bundles Z3 for every platform (63 MB); the image needs linux/amd64 only. The copy
   * drops the other platforms' natives (zipfs keeps the remaining entries as they are).
   */
  private static Path slimZ3(Path jar, Path work) throws IOException {
    Path slim = work.resolve("slim-" + jar.getFileName());
    Files.copy(jar, slim, StandardCopyOption.REPLACE_EXISTING);
    try (FileSystem zip = FileSystems.newFileSystem(slim)) {
      Path natives = zip.getPath("/com/microsoft/z3");
      List<Path> drop = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(natives)) {
        walk.filter(Files::isRegularFile)
            .map(natives::relativize)
            .filter(p -> p.toString().matches("(linux|osx|windows)/.*") && !p.toString().startsWith("linux/amd64/"))
            .map(natives::resolve)
            .forEach(drop::add);
      }
      for (Path p : drop) {
        Files.delete(p);
      }
    }
    return slim;
  }

  /** A Java runtime with just the modules the sidecar needs (about 40 MB). */
  private static Path jlink(Path out) throws IOException, InterruptedException {
    if (Files.isRegularFile(out.resolve("release")) && Files.isExecutable(out.resolve("bin/java"))) {
      return out;
    }
    deleteTree(out);
    Path log = Files.createTempFile("jlink", ".log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
        "--add-modules", String.join(",", MODULES), "--strip-debug", "--no-header-files", "--no-man-pages",
        "--compress=2", "--output", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jlink failed: " + Files.readString(log));
    }
    Files.delete(log);
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Writes tar entries, adding each parent directory (root-owned, 0755) once. */
  private static final class Rootfs {
    private final TarArchiveOutputStream tar;
    private final Set<String> dirs = new HashSet<>();

    Rootfs(TarArchiveOutputStream tar) {
      this.tar = tar;
    }

    void dir(String name, int mode, int owner) throws IOException {
      parents(name);
      if (!dirs.add(name)) {
        return;
      }
      TarArchiveEntry e = new TarArchiveEntry(name + "/");
      e.setMode(040000 | mode);
      e.setIds(owner, owner);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }

    private void parents(String name) throws IOException {
      int slash = name.lastIndexOf('/');
      if (slash > 0) {
        dir(name.substring(0, slash), 0755, 0);
      }
    }

    void text(String name, String content) throws IOException {
      bytes(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    private void bytes(String name, byte[] content, int mode) throws IOException {
      parents(name);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setMode(0100000 | mode);
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    }

    /** A host file (a link is followed: the image gets the content under this name). */
    void copy(Path file, String name, int mode) throws IOException {
      parents(name);
      Path real = file.toRealPath();
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setMode(0100000 | mode);
      e.setSize(Files.size(real));
      tar.putArchiveEntry(e);
      Files.copy(real, tar);
      tar.closeArchiveEntry();
    }

    /** A host directory tree, keeping the files' permissions and symbolic links. */
    void tree(Path dir, String name) throws IOException {
      List<Path> paths = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted().forEach(paths::add);
      }
      for (Path p : paths) {
        String target = p.equals(dir) ? name : name + "/" + dir.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
          parents(target);
          TarArchiveEntry e = new TarArchiveEntry(target, TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(Files.readSymbolicLink(p).toString());
          tar.putArchiveEntry(e);
          tar.closeArchiveEntry();
        } else if (Files.isDirectory(p)) {
          dir(target, 0755, 0);
        } else {
          copy(p, target, mode(p));
        }
      }
    }

    private static int mode(Path file) throws IOException {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      int mode = 0;
      for (PosixFilePermission perm : PosixFilePermission.values()) {
        if (perms.contains(perm)) {
          mode |= 1 << (8 - perm.ordinal());
        }
      }
      return mode;
    }
  }
}
