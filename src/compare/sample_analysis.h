// What compare reads from a stored sample beyond its scores: the cluster it belongs to and its
// calibration (from the per-option log-likelihoods).
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clinbench/compare.h"

namespace clinbench {

// The sample's "cluster" (written by run for tasks with cluster_by); empty when it has none.
std::string compare_sample_cluster(const Sample& sample);

// Dense cluster numbers of the aligned items, from the fine-tune's samples (the base's where the
// fine-tune's lack one); an item without a cluster key is its own cluster. Empty when no item
// shares a cluster.
std::vector<uint32_t> compare_cluster_index(const std::vector<Sample>& fine_tune,
                                            const std::vector<Sample>& base,
                                            const CompareAlignment& alignment);

// The calibration item of a log-likelihood sample: nullopt when the sample has no per-option
// log-likelihoods, one of them is missing or not finite (a failed request), or the target
// letter names no option.
std::optional<StatsCalibrationItem> compare_sample_calibration(const Sample& sample);

// Whether the samples are from a log-likelihood task (the first holds option_loglikelihoods).
bool compare_samples_have_loglikelihoods(const std::vector<Sample>& samples);

// One row of the paired table: stats_paired_analyse on the items' scores a (fine-tune) and b
// (base) with the clusters (empty = none), the metric's direction and margin filled in.
// nullopt for no items. Verdicts come later, once Holm has marked the significant rows.
std::optional<CompareRow> compare_analysed_row(const std::vector<double>& a, const std::vector<double>& b,
                                               const std::vector<uint32_t>& clusters, const CompareOptions& options,
                                               const std::string& task, const std::string& metric,
                                               const ComparePair& pair);

// For a log-likelihood task: the paired rows "ece", "brier" and "chosen_probability" of one pair
// over the aligned items whose every option was scored in both runs (a note counts the others).
void compare_calibration_rows(const std::vector<Sample>& fine_tune,
                              const std::vector<Sample>& base, const CompareAlignment& alignment,
                              const std::vector<uint32_t>& clusters, const CompareOptions& options,
                              const std::string& task, const ComparePair& pair, const std::string& pair_label,
                              CompareResult& result);

// result.flips: the items of one pair and task where exactly one model was right, by the
// task's 0/1 accuracy ("acc", else "exact_acc"; none: nothing added), with their causes.
void compare_flips_add(const std::vector<Sample>& fine_tune, const std::vector<Sample>& base,
                       const CompareAlignment& alignment, const std::vector<std::string>& metrics,
                       const std::string& task, const ComparePair& pair, CompareResult& result);

// result.format_knowledge for every pair and every task T held with its generation twin T_gen
// (both scored by acc) in both runs: the gaps on T and T_gen and their difference, per item.
void compare_format_knowledge(const std::vector<CompareRun>& runs, const std::vector<ComparePair>& pairs,
                              const CompareOptions& options, CompareResult& result);

// result.calibration: each run's calibration on each log-likelihood task it holds.
void compare_calibration_table(const std::vector<CompareRun>& runs, const CompareOptions& options,
                               CompareResult& result);

}  // namespace clinbench
