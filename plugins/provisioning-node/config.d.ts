/** Quota values, as in the request form (quantities as strings like `4`, `500m`, `8Gi`). */
interface QuotaValuesConfig {
  /** Sum of CPU requests of all pods (requests.cpu). */
  requestsCpu: string | number;
  /** Sum of CPU limits (limits.cpu). */
  limitsCpu: string | number;
  /** Sum of memory requests (requests.memory). */
  requestsMemory: string;
  /** Sum of memory limits (limits.memory). */
  limitsMemory: string;
  /** Total storage requested by PVCs (requests.storage). */
  requestsStorage: string;
  /** Storage per storage class. */
  storageClasses?: {
    [storageClass: string]: {
      requestsStorage?: string;
      persistentVolumeClaims?: number;
    };
  };
  /** Number of PVCs. */
  persistentVolumeClaims: number;
  /** Number of pods. */
  pods: number;
  /** Number of services. */
  services: number;
  /** Services of type LoadBalancer. */
  loadBalancers?: number;
  /** Services of type NodePort. */
  nodePorts?: number;
}

/** A CPU / memory pair of a limit range. */
interface LimitPairConfig {
  cpu: string | number;
  memory: string;
}

/** How often a background task runs. */
interface ScheduleConfig {
  /** Seconds between runs. */
  frequencySeconds?: number;
  /** Longest run, in seconds. */
  timeoutSeconds?: number;
}

export interface Config {
  /** Settings of the provisioning portal. Read and validated once at start-up; errors name the config path. */
  provisioning?: {
    /** Catalog group of the platform team: co-owner of every namespace folder (default group:default/platform). */
    platformTeam?: string;
    /** The GitOps repository pull requests are opened on. */
    gitops?: {
      /** An integrations.github host (github.com or a GitHub Enterprise host). */
      host?: string;
      /** Organisation or user owning the repository. */
      owner: string;
      /** Repository name. */
      repo: string;
      /** Branch pull requests target (default main). */
      branch?: string;
      /** GitHub login the portal writes as (default: asked of GitHub; a GitHub App sets `<app-slug>[bot]`). */
      author?: string;
      /**
       * The secret the GitOps repository's webhook signs its deliveries with, for
       * `POST /api/provisioning/webhooks/github`. Without it the route refuses every delivery.
       * @visibility secret
       */
      webhookSecret?: string;
    };
    /**
     * How many form checks (name look-ups, previews, namespace lists) one user may ask for per minute (default 60).
     * Each check reads GitHub; the limit keeps one user from spending the portal's GitHub rate limit.
     */
    formChecksPerMinute?: number;
    /** What the portal reads back from the clusters, and who sees it. */
    liveState?: {
      /**
       * Hold and publish (as catalog entities) every namespace, not only those the portal created
       * (`app.kubernetes.io/managed-by: kubeportal`). Default false.
       */
      includeUnmanaged?: boolean;
      /**
       * Environments (dev, staging, prod) whose namespaces' and VMs' live state and catalog entities every
       * signed-in user may read; elsewhere only the owning team and the platform team. Default none.
       */
      readableByAll?: Array<'dev' | 'staging' | 'prod'>;
    };
    /** Schedules of the background tasks. */
    schedules?: {
      /** Refresh of the cluster entities (default every 300 s). */
      clusters?: ScheduleConfig;
      /** Refresh of the request entities from pull requests (default every 30 s). */
      requests?: ScheduleConfig;
      /**
       * Polling fallback for missed webhooks: request statuses read from the pull requests and recorded where a
       * delivery did not (default every 120 s, at most 60 s a run); runs only when `gitops` is set.
       */
      requestStatus?: ScheduleConfig;
      /**
       * Full refresh of the namespace and VM entities from the live-state cache (default every 600 s); changes
       * seen by the cache's watches reach the catalog at once, between refreshes.
       */
      namespaces?: ScheduleConfig;
    };
    /** Quota tiers by name (S, M, L, XL by default); each with the explicit quota values. */
    tiers?: { [name: string]: QuotaValuesConfig };
    /** Monthly prices. */
    prices?: {
      /** Currency code shown with amounts (default EUR). */
      currency?: string;
      /** Price of one reserved CPU core (requests.cpu) a month. */
      cpuCoreMonth: number;
      /** Price of one reserved GiB of memory (requests.memory) a month. */
      memoryGiBMonth: number;
      /** Price of one GiB of storage a month, per storage class. */
      storageGiBMonth?: { [storageClass: string]: number };
      /** Price of one GiB of storage a month in a class not listed above. */
      defaultStorageGiBMonth: number;
      /** Surcharge per virtual machine a month. */
      vmMonth: number;
    };
    /** Policy that requests must stay within. */
    policy?: {
      /** Per environment, the largest quota one namespace may have. */
      maxQuota?: {
        dev?: Partial<QuotaValuesConfig>;
        staging?: Partial<QuotaValuesConfig>;
        prod?: Partial<QuotaValuesConfig>;
      };
      /** Monthly budget per team name. */
      teamBudgets?: { [team: string]: number };
      /** Monthly budget of a team not listed in teamBudgets. */
      defaultTeamBudget?: number;
      /** Project leads a team needs before it may change prod (default 2). */
      prodMinApprovers?: number;
      /** Longest expiry allowed outside prod, in days. */
      maxExpiryDays?: number;
      /**
       * Where VM root disks may come from. A clone comes from the VM's own namespace or one listed here; an
       * http(s) or registry import from a host listed here, matched exactly (no subdomains, no user info, an IP
       * address only when listed). Each list left out keeps its default.
       */
      vmImages?: {
        /** Namespaces every VM may clone a golden image PVC from, beside its own (default golden-images). */
        namespaces?: string[];
        /**
         * Import hosts, in lower case, without scheme or port; Docker Hub is `docker.io`. Default: only the
         * reserved example hosts of the local examples (images.example.com, img.example), so no real host.
         */
        hosts?: string[];
      };
    };
    /** Defaults every namespace of a team inherits. */
    teamDefaults?: {
      /** Default limit range of the team's namespaces. */
      limitRange: {
        defaultRequest: LimitPairConfig;
        default: LimitPairConfig;
        maxPerPod?: Partial<LimitPairConfig>;
      };
      /** Namespace of the cluster DNS, allowed by the baseline network policy (default kube-system). */
      dnsNamespace?: string;
    };
    /**
     * The clusters' KubeVirt settings that decide what a VM's virt-launcher pod is charged against the quota; they
     * must match the KubeVirt CR.
     */
    vmOverhead?: {
      /** KubeVirt's `additionalGuestMemoryOverheadRatio`, a decimal of at least 1 such as "1.2". */
      additionalGuestMemoryOverheadRatio?: string;
      /** False when the KubeVirt CR sets `virtualMachineOptions.disableSerialConsoleLog` (default true). */
      serialConsoleLog?: boolean;
      /** CPU architecture of the nodes that run VMs: amd64 (default) or arm64. */
      architecture?: 'amd64' | 'arm64';
    };
    /** Clusters the portal provisions into and reads live state from. */
    clusters?: Array<{
      /** Cluster name, a DNS-1123 label; the GitOps folder is clusters/<name>. */
      name: string;
      /** Display name. */
      title?: string;
      /** dev, staging or prod. */
      environment: 'dev' | 'staging' | 'prod';
      /** Rack or site the cluster runs in. */
      site?: string;
      /** API server URL. */
      url?: string;
      /** Base64 PEM of the API server's CA. */
      caData?: string;
      /** Skip TLS verification (never in production). */
      skipTLSVerify?: boolean;
      /** How the portal authenticates to the cluster. */
      auth: {
        /** serviceAccountToken, kubeconfig or inCluster. */
        type: 'serviceAccountToken' | 'kubeconfig' | 'inCluster';
        /**
         * Service account token.
         * @visibility secret
         */
        token?: string;
        /** Kubeconfig path (defaults to the usual locations). */
        path?: string;
        /** Kubeconfig context. */
        context?: string;
      };
      /** Storage classes requests may use on this cluster. */
      storageClasses?: string[];
      /** Multus networks VMs may attach to on this cluster. */
      networks?: string[];
      /** Namespace of the ingress controller, for the ingress network policy preset. */
      ingressNamespace?: string;
    }>;
  };
}
