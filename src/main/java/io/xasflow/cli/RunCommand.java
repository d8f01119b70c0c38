package io.xasflow.cli;

import io.xasflow.stream.StreamConfig;
import io.xasflow.stream.XasflowProcessor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The stream processor against a real cluster, until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the stream processor with a properties file (keys: see --list-config); XASFLOW_<KEY>"
            + " environment variables (bootstrap.servers → XASFLOW_BOOTSTRAP_SERVERS) override the file."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Java properties file with StreamConfig keys")
    Path config;

    @Option(names = "--list-config", description = "print every configuration key with its default and exit")
    boolean listConfig;

    @Override
    public Integer call() throws Exception {
        if (listConfig) {
            System.out.println(StreamConfig.documentation());
            return 0;
        }
        if (config == null && StreamConfig.fromEnvironment(System.getenv()).isEmpty()) {
            throw new IllegalArgumentException("--config FILE or XASFLOW_* environment variables are required"
                    + " (--list-config shows the keys)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        XasflowProcessor processor = new XasflowProcessor(StreamConfig.load(config, System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processor.close();
            stopped.countDown();
        }, "xasflow-shutdown"));
        processor.start();
        stopped.await();
        return 0;
    }
}
