# xasflow stream processor on CUDA 12 + cuDNN 9 (ONNX Runtime GPU build). Without a GPU the same image runs on the
# CPU: execution.provider=auto falls back with one warning.
#   docker build -t xasflow/processor:0.1.0 .

# ---- build: the gpu Maven profile swaps onnxruntime for onnxruntime_gpu ----
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -Pgpu dependency:go-offline
COPY schemas schemas
COPY src src
RUN mvn -B -q -Pgpu -DskipTests package

# ---- runtime ----
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless libopenblas0 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/xasflow xasflow
WORKDIR /opt/xasflow
COPY --from=build /src/target/xasflow-0.1.0.jar xasflow.jar
COPY --from=build /src/target/lib lib
COPY models-onnx models-onnx
# Every StreamConfig key can be set as XASFLOW_<KEY> (bootstrap.servers → XASFLOW_BOOTSTRAP_SERVERS).
ENV XASFLOW_MODELS_DIR=/opt/xasflow/models-onnx \
    XASFLOW_EXECUTION_PROVIDER=auto \
    XASFLOW_STATE_DIR=/var/lib/xasflow/state \
    XASFLOW_METRICS_PORT=9404 \
    OPENBLAS_NUM_THREADS=1 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER xasflow
EXPOSE 9404
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=6 \
  CMD curl -fsS http://localhost:9404/metrics > /dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/opt/xasflow/xasflow.jar"]
CMD ["run"]
