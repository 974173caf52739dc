# The Daeploy Manager image: a JRE with the manager's jar, its class-data-sharing archive made
# at build time, and a pinned Traefik v3 that serves the proxy ports; data on the /data volume.
#
#   docker build -t daeploy/manager .                 Maven builds the jar inside (needs the internet)
#   docker build -t daeploy/manager --build-arg JAR_SOURCE=context .
#                                                     takes backend/target/daeploy-manager.jar from
#                                                     the build context (mvn -DskipTests package first)
#
# Every FROM is an argument, so the image builds from local images where nothing can be pulled
# (.ci/image-test does: RUNTIME_IMAGE and BUILD_IMAGE a debootstrap'ed Debian JRE, JAR_SOURCE=context,
# TRAEFIK_IMAGE=no-traefik). It builds with the classic builder as well as with BuildKit.
#   RUNTIME_IMAGE  a Debian or Ubuntu image with a Java 17+ runtime (java on PATH), bash, useradd
#   BUILD_IMAGE    where the jar is made: with JAR_SOURCE=maven an image with Node.js >= 20.19 and
#                  npm (Maven and a JDK are installed with apt when missing); with
#                  JAR_SOURCE=context any image with a shell
#   TRAEFIK_IMAGE  the official Traefik image, whose /usr/local/bin/traefik is copied; `no-traefik`
#                  (the stage below) leaves it out, and the manager serves the proxy ports with its
#                  embedded proxy instead
#   HEALTHCHECK_URL  what HEALTHCHECK asks for, inside the container (the manager's own server)
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-noble
ARG BUILD_IMAGE=node:24-trixie
ARG TRAEFIK_IMAGE=traefik:v3.7.6

# The runtime base as it is: its /usr/local/bin holds no Traefik.
FROM ${RUNTIME_IMAGE} AS no-traefik

FROM ${TRAEFIK_IMAGE} AS traefik

FROM ${BUILD_IMAGE} AS build
# maven: run the build (frontend included); context: take the jar the context holds
ARG JAR_SOURCE=maven
WORKDIR /src
COPY . .
# One RUN for both sources, not two stages: the classic builder builds every stage, even one the
# image does not use, and a Maven stage cannot work offline.
RUN set -eu; mkdir -p /out; \
    case "$JAR_SOURCE" in \
      context) \
        if [ ! -f backend/target/daeploy-manager.jar ]; then \
          echo "JAR_SOURCE=context, but backend/target/daeploy-manager.jar is not in the build context:" \
            "build it first (mvn -DskipTests package)" >&2; \
          exit 1; \
        fi ;; \
      maven) \
        if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then \
          apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            maven openjdk-21-jdk-headless >/dev/null; \
        fi; \
        rm -rf backend/target; \
        mvn -B -ntp -DskipTests package -pl backend -am ;; \
      *) echo "JAR_SOURCE must be maven or context, not '$JAR_SOURCE'" >&2; exit 1 ;; \
    esac; \
    cp backend/target/daeploy-manager.jar /out/daeploy-manager.jar

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
ARG HEALTHCHECK_URL=http://127.0.0.1:8080/actuator/health/readiness
LABEL org.opencontainers.image.title="Daeploy Manager" \
      org.opencontainers.image.description="Deploys services as Docker containers and routes them behind a proxy" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.documentation="README.md: Run the manager image" \
      daeploy.type="manager"

# The manager runs as daeploy (10001), never root; the Docker socket it is given belongs to a group
# of the host's, which `docker run --group-add $(stat -c %g /var/run/docker.sock)` adds.
RUN groupadd --system --gid 10001 daeploy \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin daeploy \
    && install -d -o 10001 -g 10001 -m 0700 /data \
    && install -d -m 0755 /opt/daeploy

COPY --from=traefik /usr/local/bin/ /usr/local/bin/

# Small, steady footprint, as bin/daeploy-manager: serial GC, a capped heap, thread stacks and code
# cache; both JIT tiers (the embedded proxy forwards every request).
ENV JAVA_OPTS="-XX:+UseSerialGC -Xms32m -Xmx96m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError"
# two glibc malloc arenas, as bin/daeploy-manager sets: less idle RSS at no cost the benches see
ENV MALLOC_ARENA_MAX=2

# The jar extracted (a launcher jar and lib/), and a class-data-sharing archive from a training
# start that exits once the context is refreshed. The paths are the ones ENTRYPOINT runs: the JVM
# refuses an archive made for another class path.
COPY --from=build /out/daeploy-manager.jar /opt/daeploy/daeploy-manager.jar
RUN set -eu; cd /opt/daeploy; \
    java -Djarmode=tools -jar daeploy-manager.jar extract --destination app >/dev/null; \
    rm daeploy-manager.jar; \
    training=$(mktemp -d); \
    java $JAVA_OPTS -XX:ArchiveClassesAtExit=/opt/daeploy/app/daeploy-manager.jsa -Dspring.context.exit=onRefresh \
      -jar /opt/daeploy/app/daeploy-manager.jar --server.port=0 --daeploy.data-dir="$training" \
      --daeploy.admin-password=training-only --daeploy.proxy.mode=embedded >/tmp/cds-training.log 2>&1 || true; \
    rm -rf "$training"; \
    if [ ! -s app/daeploy-manager.jsa ]; then \
      echo "The class-data archive was not made; the training start said:" >&2; tail -n 40 /tmp/cds-training.log >&2; \
      exit 1; \
    fi; \
    rm -f /tmp/cds-training.log; \
    chmod -R a+rX /opt/daeploy

# In the image the manager runs in container mode: it joins daeploy-network as daeploy-manager,
# reaches services by container name and publishes no host ports for them. Ports as the original's
# image: 80 and 443 (publish them as the same numbers: they are part of service URLs), and the
# dashboard's own origin on 5081.
ENV DAEPLOY_DATA_DIR=/data \
    DAEPLOY_MANAGER_IN_CONTAINER=true \
    DAEPLOY_PROXY_HTTP_PORT=80 \
    DAEPLOY_PROXY_HTTPS_PORT=443 \
    DAEPLOY_PROXY_DASHBOARD_PORT=5081 \
    DAEPLOY_HEALTHCHECK_URL=${HEALTHCHECK_URL}
VOLUME /data
EXPOSE 80 443 5081
USER 10001:10001
WORKDIR /data

# Asked inside the container with bash's /dev/tcp (no curl in a minimal JRE image): healthy once
# DAEPLOY_HEALTHCHECK_URL (http://host:port/path) answers 200.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "u=${DAEPLOY_HEALTHCHECK_URL#http://}; a=${u%%/*}; exec 3<>/dev/tcp/${a%:*}/${a##*:} && printf 'GET /%s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' \"${u#*/}\" >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]

ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS -XX:SharedArchiveFile=/opt/daeploy/app/daeploy-manager.jsa -Xshare:auto -jar /opt/daeploy/app/daeploy-manager.jar \"$@\"", "daeploy-manager"]
