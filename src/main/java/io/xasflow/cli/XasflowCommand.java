package io.xasflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code xasflow} command line: engine spectra, dataset generation and benchmarks. */
@Command(name = "xasflow", mixinStandardHelpOptions = true, version = "xasflow 0.1.0",
        description = "2p (L2,3-edge) XAS of 3d transition-metal ions: exact multiplet engine and tools.",
        subcommands = {DemoCommand.class, RunCommand.class, SimulateScanCommand.class, SpectrumCommand.class,
            PredictCommand.class, GenerateCommand.class, BenchCommand.class})
public final class XasflowCommand implements Runnable {
    /** Held strongly: java.util.logging keeps loggers weakly and would forget the level. */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        // netlib announces its backend at INFO on every start; keep warnings (e.g. the pure-Java fallback)
        NETLIB_LOG.setLevel(java.util.logging.Level.WARNING);
        // one line per log record, like slf4j-simple's Kafka lines
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; bad input becomes one line on stderr and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new XasflowCommand());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof IllegalArgumentException) {
                line.getErr().println("error: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return commandLine;
    }
}
