{{/*
Names and labels shared by every template.
*/}}

{{- define "openmtm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, prefixed with the chart name unless it already
contains it. Truncated to 50 so "<fullname>-documentation" fits in 63.
*/}}
{{- define "openmtm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "openmtm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of one component's objects. Call with (dict "root" $ "component" "billing").
*/}}
{{- define "openmtm.componentName" -}}
{{- printf "%s-%s" (include "openmtm.fullname" .root) .component }}
{{- end }}

{{/*
Labels on every object. Call with (dict "root" $ "component" "billing").
*/}}
{{- define "openmtm.labels" -}}
helm.sh/chart: {{ include "openmtm.chart" .root }}
{{ include "openmtm.selectorLabels" . }}
app.kubernetes.io/part-of: openmtm
{{- with .root.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/*
Selector labels: immutable once a Deployment exists, so keep them minimal.
*/}}
{{- define "openmtm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "openmtm.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "openmtm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "openmtm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "openmtm.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The services this chart knows; a key under .Values.services outside this
list is a typo, and failing beats deploying a pod that cannot start.
*/}}
{{- define "openmtm.knownServices" -}}
eligibility targeting scheduling documentation billing
{{- end }}

{{- define "openmtm.checkService" -}}
{{- if not (has .name (splitList " " (include "openmtm.knownServices" .root))) }}
{{- fail (printf "services.%s: not an OpenMTM service (want one of: %s)" .name (include "openmtm.knownServices" .root)) }}
{{- end }}
{{- end }}

{{/*
The services each service calls over gRPC (the gateway aside). A caller gets
one --upstream per callee and OPENMTM_SERVICE_KEY, the operator key it calls
with. Keep in step with the services' use of service.Deps.Peer.
*/}}
{{- define "openmtm.calls" -}}
targeting: [eligibility]
{{- end }}

{{/*
An --upstream value, NAME=<its Service>:<gRPC port>. Call with
(dict "root" $ "component" "eligibility").
*/}}
{{- define "openmtm.upstream" -}}
{{- printf "%s=%s:%v" .component (include "openmtm.componentName" .) .root.Values.grpcPort }}
{{- end }}

{{/*
OPENMTM_SERVICE_KEY for a service that calls another (required) or is
called (optional: it does not need the key, but holding it lets either end
create it, idempotently, at start). Call with (dict "root" $ "component"
"targeting").
*/}}
{{- define "openmtm.serviceKeyEnv" -}}
{{- $calls := include "openmtm.calls" .root | fromYaml }}
{{- $caller := hasKey $calls .component }}
{{- $called := false }}
{{- range $calls }}
{{- if has $.component . }}{{ $called = true }}{{ end }}
{{- end }}
{{- if or $caller $called -}}
- name: OPENMTM_SERVICE_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.existingSecret.name }}
      key: {{ .root.Values.existingSecret.serviceKeyKey }}
      {{- if not $caller }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}

{{/*
Pod spec parts shared by the services and the gateway. Call with the root
context.
*/}}
{{- define "openmtm.podCommon" -}}
serviceAccountName: {{ include "openmtm.serviceAccountName" . }}
# No pod needs the Kubernetes API.
automountServiceAccountToken: false
# No <SERVICE>_PORT-style variables: they are noise, and a Service named
# <release>-* would put OPENMTM_* names next to the flag variables.
enableServiceLinks: false
# Long enough to drain in-flight RPCs and ack or nak pulled messages.
terminationGracePeriodSeconds: 30
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # Scratch only: the root filesystem is read-only.
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/*
Pod template metadata. Call with (dict "root" $ "component" "billing").
The config checksum rolls the pods when the ConfigMap changes.
*/}}
{{- define "openmtm.podMetadata" -}}
labels:
  {{- include "openmtm.labels" . | nindent 2 }}
  {{- with .root.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
  {{- with .root.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
Container parts shared by every component. Call with the root context.
*/}}
{{- define "openmtm.containerCommon" -}}
image: {{ include "openmtm.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}

{{/*
Environment every component gets on top of the ConfigMap. Call with
(dict "root" $ "component" "billing").
*/}}
{{- define "openmtm.envCommon" -}}
{{- $root := .root }}
# Every process reports as "openmtm" unless told which component it is.
- name: OTEL_SERVICE_NAME
  value: {{ printf "%s%s" ($root.Values.otel.serviceNamePrefix | default "") .component | quote }}
# Each service's own schema, and the shared "access" schema (API keys and
# the audit trail) every component checks callers against.
- name: OPENMTM_POSTGRES
  valueFrom:
    secretKeyRef:
      name: {{ required "existingSecret.name is required: the Secret holding the PostgreSQL URL" $root.Values.existingSecret.name }}
      key: {{ $root.Values.existingSecret.postgresUrlKey }}
# The Go GC works harder as the heap nears the limit instead of being
# OOM-killed first.
- name: GOMEMLIMIT
  valueFrom:
    resourceFieldRef:
      resource: limits.memory
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
