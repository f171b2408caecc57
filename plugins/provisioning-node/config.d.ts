export interface Config {
  /** Settings of the provisioning portal. */
  provisioning?: {
    /** Catalog group that owns the clusters (default group:default/platform). */
    platformTeam?: string;
    /** The GitOps repository pull requests are opened on. */
    gitops?: {
      /** An integrations.github host (github.com or a GitHub Enterprise host). */
      host?: string;
      owner: string;
      repo: string;
      /** Branch pull requests target (default main). */
      branch?: string;
    };
    /** Quota tiers by name (S, M, L, XL by default); each with the explicit quota values. */
    tiers?: { [name: string]: { [key: string]: string | number | object } };
    /** Monthly prices: cpuCoreMonth, memoryGiBMonth, storageGiBMonth per class, defaultStorageGiBMonth, vmMonth, currency. */
    prices?: { [key: string]: string | number | object };
    /** Policy: maxQuota per environment, teamBudgets, defaultTeamBudget, prodMinApprovers, maxExpiryDays. */
    policy?: { [key: string]: number | object };
    /** Defaults every namespace of a team inherits (limitRange, dnsNamespace). */
    teamDefaults?: { [key: string]: string | object };
    /** KubeVirt virt-launcher overhead model (staticOverhead, perVcpu, pageTableDivisor, graphics). */
    vmOverhead?: { [key: string]: string | number };
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
