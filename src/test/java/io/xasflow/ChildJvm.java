package io.xasflow;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code ./xasflow <args>} in a JVM of its own, as the launcher does, with its output in a log file. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * The product's runtime classpath as the launcher ships it (target/lib is filled before the tests run). Observed
     * here: the same jars listed from ~/.m2 (surefire's classpath) make ONNX Runtime's native start-up crash with
     * SIGSEGV in a fresh JVM; from target/lib it runs (unexplained; noted in the issue).
     */
    private static String classPath() {
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
    }

    public static Process xasflow(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classPath(), "io.xasflow.cli.XasflowCommand"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File("."));
        builder.environment().put("OPENBLAS_NUM_THREADS", "1");
        return builder.start();
    }
}
