{{/* Names and labels shared by every template. */}}
{{- define "instasent-cdc.fullname" -}}
{{ printf "%s-%s" .Chart.Name .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "instasent-cdc.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "instasent-cdc.labels" -}}
{{ include "instasent-cdc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "instasent-cdc.secretName" -}}
{{ .Values.existingSecret | default (include "instasent-cdc.fullname" .) }}
{{- end }}
