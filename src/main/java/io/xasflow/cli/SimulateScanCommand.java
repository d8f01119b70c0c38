package io.xasflow.cli;

import io.xasflow.registry.SchemaRegistryClient;
import io.xasflow.simulate.ScanSimulator;
import io.xasflow.simulate.SyntheticSample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A beamline feed: one simulated scan published to the input topic. */
@Command(name = "simulate-scan", mixinStandardHelpOptions = true,
        description = {"Publishes a width×height scan of a synthetic sample (grains of several ions, smoothly varying"
            + " parameters) to the pixel topic at a chosen rate."})
final class SimulateScanCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true) String bootstrapServers;
    @Option(names = "--schema-registry-url", required = true) String registryUrl;
    @Option(names = "--topic", description = "default: ${DEFAULT-VALUE}") String topic = "xas.pixels";
    @Option(names = "--scan-id", description = "default: ${DEFAULT-VALUE}") String scanId = "scan-1";
    @Option(names = "--width", description = "default: ${DEFAULT-VALUE}") int width = 100;
    @Option(names = "--height", description = "default: ${DEFAULT-VALUE}") int height = 100;
    @Option(names = "--ions", description = "comma-separated ion keys, default: ${DEFAULT-VALUE}")
    String ions = "Ni2+,Co2+,Fe2+,Fe3+,Mn2+";
    @Option(names = "--rate", description = "pixels per second, 0 = full speed (default: ${DEFAULT-VALUE})")
    double rate = 0;
    @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}") long seed = 1;

    @Override
    public Integer call() {
        List<String> ionList = Arrays.stream(ions.split(",")).map(String::strip).toList();
        SyntheticSample sample = new SyntheticSample(scanId, width, height, ionList, seed, System.currentTimeMillis());
        long sent = ScanSimulator.publish(sample, bootstrapServers, new SchemaRegistryClient(registryUrl, null), topic,
                rate, Map.of());
        spec.commandLine().getErr().println("published " + sent + " pixels of scan " + scanId + " to " + topic);
        return 0;
    }
}
